// npm run answers:review and answers:export on the answers kept on disk, run as an intrapreneur would.
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createSubmitHandler } from "../lib/answers/submit.ts";
import { DiskAnswerStore } from "../lib/answers/store.ts";
import { readPublishedForms, type PublishedForms } from "../lib/forms/published.ts";
import { runScript } from "./support/build.ts";
import { SAMPLE_FORM, SAMPLE_KEYS, validSubmission } from "./support/sample.ts";

const URL_ = `http://localhost:8888/api/submit/${SAMPLE_FORM}`;

let forms: PublishedForms;
beforeAll(async () => {
  forms = await readPublishedForms();
});

const post = (entries: Array<[string, string]>, ip: string) =>
  new Request(URL_, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-nf-client-connection-ip": ip },
    body: new URLSearchParams(entries).toString(),
  });

const named = (firstName: string) => validSubmission().map(([k, v]): [string, string] => (k === SAMPLE_KEYS.firstName ? [k, firstName] : [k, v]));

describe("answers:review", () => {
  it("finds an answer sent 1 s after the page opened with JavaScript off, releases it, and the export then has it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kit-review-"));
    const env = { ANSWERS_DIR: dir };
    let now = Date.parse("2026-11-29T10:00:00Z");
    const handler = createSubmitHandler({ forms, store: new DiskAnswerStore(dir), now: () => now });
    // The page opens (no JavaScript: no token), and the form goes 1 s later.
    now += 1000;
    expect((await handler(post(named("Sacha"), "203.0.113.1"))).status).toBe(303);
    // A bot fills the honeypot: discarded, counted.
    await handler(post([...named("Bot"), ["site_web", "http://spam.example"]], "198.51.100.9"));

    const review = await runScript("answers:review", env);
    expect(review.code, review.output).toBe(0);
    const [id] = (await new DiskAnswerStore(dir).list()).map((a) => a.id);
    expect(review.output).toContain("0 réponse reçue · 1 en quarantaine · 1 envoi écarté (champ piège rempli (robot))");
    expect(review.output).toContain(id);
    expect(review.output).toContain("sans mesure du temps de remplissage");
    expect(review.output).toContain("Prénom : Sacha");

    const before = await runScript("answers:export", env, ["--out", join(dir, "exports")]);
    expect(before.output).toContain("0 réponse (et 1 réponse en quarantaine : npm run answers:review)");

    const release = await runScript("answers:review", env, ["--release", id as string]);
    expect(release.code, release.output).toBe(0);
    expect(release.output).toContain(`${id} (${SAMPLE_FORM}) : libérée`);
    expect(release.output).toContain("1 réponse reçue · 0 en quarantaine");

    const after = await runScript("answers:export", env, ["--out", join(dir, "exports")]);
    expect(after.code, after.output).toBe(0);
    const csv = await readFile(join(dir, "exports", `reponses-${SAMPLE_FORM}.csv`), "utf8");
    expect(csv).toContain("Sacha");
    expect(csv).not.toContain("Bot");
  });

  it("deletes a quarantined answer for good, and says so for an unknown id", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kit-review-"));
    const handler = createSubmitHandler({ forms, store: new DiskAnswerStore(dir) });
    await handler(post(named("Robot"), "203.0.113.2"));
    const [id] = (await new DiskAnswerStore(dir).list()).map((a) => a.id);
    const run = await runScript("answers:review", { ANSWERS_DIR: dir }, ["--delete", id as string, "--delete", "ffffffffffffffffffffffff"]);
    expect(run.code).toBe(2);
    expect(run.output).toContain(`${id} (${SAMPLE_FORM}) : supprimée`);
    expect(run.output).toContain("ffffffffffffffffffffffff : aucune réponse n'a cet identifiant");
    expect(await new DiskAnswerStore(dir).list()).toEqual([]);
  });
});

describe("answers:export with a damaged file", () => {
  it("names the file, sets it aside, exports all the others, and exits with 2", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kit-export-"));
    const store = new DiskAnswerStore(dir);
    const base = { form: SAMPLE_FORM, source: "web" as const, values: { [SAMPLE_KEYS.firstName]: "Lou" } };
    await store.put({ ...base, id: "aaaaaaaaaaaaaaaaaaaaaaaa", submittedAt: "2026-11-29T10:00:00.000Z" });
    await store.put({ ...base, id: "bbbbbbbbbbbbbbbbbbbbbbbb", submittedAt: "2026-11-29T10:01:00.000Z" });
    const broken = join(dir, SAMPLE_FORM, "cccccccccccccccccccccccc.json");
    await writeFile(broken, '{"id": "cccccccccccccccccccccccc", "form": "conseil-reno');
    const run = await runScript("answers:export", { ANSWERS_DIR: dir }, ["--out", join(dir, "exports")]);
    expect(run.code, run.output).toBe(2);
    expect(run.output).toContain("reponses-conseil-renovation.csv : 2 réponses");
    expect(run.output).toContain("1 réponse illisible (fichier abîmé) mise de côté");
    expect(run.output).toContain(join(dir, "_illisibles", SAMPLE_FORM, "cccccccccccccccccccccccc.json"));
    expect(run.output).not.toMatch(/at .*\.ts:\d+/);
    expect(await readdir(join(dir, SAMPLE_FORM))).not.toContain("cccccccccccccccccccccccc.json");
    // Set aside once: the next export is clean.
    expect((await runScript("answers:export", { ANSWERS_DIR: dir }, ["--out", join(dir, "exports")])).code).toBe(0);
  });
});
