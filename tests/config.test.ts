// lib/app/config.ts: every environment variable parsed once, with French errors naming the variable.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, readConfig, VARIABLES } from "../lib/app/config.ts";

describe("the configuration", () => {
  it("has sane defaults: embedded base, answers on disk, local address index", () => {
    const config = readConfig({});
    expect(config).toMatchObject({
      airtable: undefined,
      airtableCacheDuration: "10m",
      answersDir: resolve("reponses"),
      addressProvider: "local",
      addressIndex: resolve("build/adresses.idx"),
      baseDir: "data/base",
      buildDir: resolve("build"),
      outputDir: "_site",
      sourcemap: false,
      netlify: { dev: false },
    });
  });

  it("reads Airtable from its two variables, and follows airtable.js's AIRTABLE_ENDPOINT_URL", () => {
    expect(readConfig({ AIRTABLE_TOKEN: "pat1", AIRTABLE_BASE_ID: "appABCDEFGHIJKLMN" }).airtable).toEqual({
      token: "pat1",
      baseId: "appABCDEFGHIJKLMN",
      endpointUrl: "https://api.airtable.com",
    });
    expect(readConfig({ AIRTABLE_TOKEN: "pat1", AIRTABLE_BASE_ID: "appABCDEFGHIJKLMN", AIRTABLE_ENDPOINT_URL: "http://127.0.0.1:9/" }).airtable?.endpointUrl).toBe("http://127.0.0.1:9");
    // An empty variable is an unset one, as `export X=` means.
    expect(readConfig({ AIRTABLE_TOKEN: "", AIRTABLE_BASE_ID: " " }).airtable).toBeUndefined();
  });

  it("says which variable is missing, and what a base id looks like", () => {
    expect(() => readConfig({ AIRTABLE_TOKEN: "pat1" })).toThrow(
      new ConfigError("Airtable à moitié configuré : AIRTABLE_BASE_ID manque. Définissez les deux variables, ou aucune pour utiliser la base embarquée (data/base)."),
    );
    expect(() => readConfig({ AIRTABLE_TOKEN: "pat1", AIRTABLE_BASE_ID: "tblABCDEFGHIJKLMN" })).toThrow(/AIRTABLE_BASE_ID « tblABCDEFGHIJKLMN » n'est pas un identifiant de base Airtable/);
  });

  it("lists every wrong variable at once, each with what it accepts", () => {
    let message = "";
    try {
      readConfig({ ADDRESS_PROVIDER: "lokal", ANSWERS_STORE: "s3", GEOPLATEFORME_URL: "data.geopf.fr", AIRTABLE_CACHE_DURATION: "10 minutes" });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message.split("\n")).toEqual([
      "Variables d'environnement à corriger :",
      "- AIRTABLE_CACHE_DURATION vaut « 10 minutes » ; écrivez une durée comme 30s, 10m, 1h ou 0s",
      "- ANSWERS_STORE vaut « s3 » ; valeurs possibles : disk, blobs",
      "- ADDRESS_PROVIDER vaut « lokal » ; valeurs possibles : local, remote, auto",
      "- GEOPLATEFORME_URL doit être une adresse web complète (ex. https://data.geopf.fr/geocodage)",
    ]);
  });

  it("takes the answers' webhook from ANSWERS_WEBHOOK_URL, and names a wrong one without quoting it", () => {
    expect(readConfig({ ANSWERS_WEBHOOK_URL: "https://chat.example.gouv.fr/hooks/abc" }).answersWebhook).toBe("https://chat.example.gouv.fr/hooks/abc");
    expect(readConfig({}).answersWebhook).toBeUndefined();
    let message = "";
    try {
      readConfig({ ANSWERS_WEBHOOK_URL: "http://chat.example.gouv.fr/hooks/s3cr3t" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("- ANSWERS_WEBHOOK_URL doit être l'adresse https complète d'un webhook entrant");
    expect(message).not.toContain("s3cr3t");
  });

  it("is the only reader of the environment in lib/, functions/ and scripts/", async () => {
    const { execFileSync } = await import("node:child_process");
    const hits = execFileSync("grep", ["-rlE", "process\\.env", "lib", "functions", "scripts", "eleventy.config.ts"], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean)
      .sort();
    // scripts/build.ts sets AIRTABLE_CACHE_DURATION for --fresh; nothing else reads it directly.
    expect(hits).toEqual(["lib/app/config.ts", "scripts/build.ts"]);
    const readme = await readFile("README.md", "utf8");
    for (const name of VARIABLES.filter((v) => !v.startsWith("NETLIFY_BLOBS") && v !== "NETLIFY_DEV")) expect(readme, name).toContain(name);
  });
});
