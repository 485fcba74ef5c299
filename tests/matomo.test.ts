// Issue 10: Matomo is optional. Nothing is loaded without it; with it, the CSP opens exactly its origin.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyticsHeaders, CONTENT_SECURITY_POLICY, headersFile } from "../lib/site/headers.ts";
import { buildWithBase, copyBase } from "./support/build.ts";

describe("Matomo", () => {
  it("opens the CSP to its origin only, for scripts, images and requests", () => {
    const csp = analyticsHeaders("https://stats.beta.gouv.fr/matomo/")["content-security-policy"]!;
    expect(csp).toContain("script-src 'self' https://stats.beta.gouv.fr;");
    expect(csp).toContain("connect-src 'self' https://stats.beta.gouv.fr;");
    expect(csp).toContain("img-src 'self' data: https://stats.beta.gouv.fr;");
    expect(csp.match(/stats\.beta\.gouv\.fr/g)).toHaveLength(3);
    expect(analyticsHeaders(undefined)).toEqual({});
    expect(headersFile()).toContain(`content-security-policy: ${CONTENT_SECURITY_POLICY}`);
  });

  it("is loaded by the pages only when the Site table names one", async () => {
    const plain = await buildWithBase("data/base");
    expect(plain.code, plain.output).toBe(0);
    const plainPage = await readFile(join(plain.outDir, "index.html"), "utf8");
    expect(plainPage).not.toContain("kit-matomo");
    expect(await readFile(join(plain.outDir, "_headers"), "utf8")).not.toContain("https://");

    const dir = await copyBase();
    const site = JSON.parse(await readFile(join(dir, "Site.json"), "utf8")) as { records: Array<{ fields: Record<string, unknown> }> };
    Object.assign(site.records[0]!.fields, { "Matomo (adresse)": "https://stats.beta.gouv.fr/", "Matomo (site)": "42" });
    await writeFile(join(dir, "Site.json"), JSON.stringify(site));
    const run = await buildWithBase(dir);
    expect(run.code, run.output).toBe(0);
    const page = await readFile(join(run.outDir, "mentions-legales/index.html"), "utf8");
    expect(page).toContain('<meta name="kit-matomo" content="https://stats.beta.gouv.fr/" data-site="42">');
    expect(page).toContain('<script type="module" src="/assets/mesure.js"></script>');
    expect(await readFile(join(run.outDir, "_headers"), "utf8")).toContain("script-src 'self' https://stats.beta.gouv.fr;");
    const forms = JSON.parse(await readFile(join(run.buildDir, "forms.json"), "utf8")) as { matomo?: unknown };
    expect(forms.matomo).toEqual({ url: "https://stats.beta.gouv.fr/", siteId: "42" });
    // The receipt shows a citizen's answers and its address holds their key: no third-party script.
    const receipt = await readFile(join(run.outDir, "conseil-renovation/merci/index.html"), "utf8");
    expect(receipt).not.toContain("kit-matomo");
    expect(receipt).not.toContain("mesure.js");
    expect(await readFile(join(run.outDir, "donnees-personnelles/index.html"), "utf8")).toContain("réglé sans cookie");
  });
});
