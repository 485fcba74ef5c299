// The README's walkthrough « De la copie au service en ligne », run and timed: the local part, end
// to end, as an intrapreneur runs it on a fresh copy, with the real commands as processes, against
// the project's Airtable stand-in (an empty base, a token with every right) and a local stand-in of
// a chat's incoming webhook. Each step is timed and the table printed at the end: the README's
// figures come from this output. Durations are never asserted (they are the machine's load).
//
// Stand-ins, each said where it is used:
// - `npm ci` is not run: a real one takes minutes (4 min 34 s measured on this machine, `npm ci
//   --no-audit --no-fund` in a fresh clone), and CI already runs it in a fresh clone before the
//   tests. The clone gets a link to the project's node_modules instead.
// - `npm start` is not run (netlify dev is heavy, and tests/e2e.test.ts drives it in a browser): the
//   citizen's answer goes to the submit function's own handler, served on a local port, writing to
//   the Netlify Blobs sandbox that `npm start` keeps in the clone (.netlify/blobs-serve, site
//   "unlinked"), which `npm run answers:flush` and `answers:notify` then read as they would.
import { execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { getStore } from "@netlify/blobs";
import { BlobsServer } from "@netlify/blobs/server";
import { afterAll, describe, expect, it } from "vitest";
import { loadIndex } from "../lib/address/index-file.ts";
import { providerFor } from "../lib/address/providers.ts";
import { ANSWERS_TABLE } from "../lib/airtable/answer-sink.ts";
import { BlobsAnswerStore, STORE_NAME } from "../lib/answers/blobs-store.ts";
import { createSubmitHandler } from "../lib/answers/submit.ts";
import { VARIABLES } from "../lib/app/config.ts";
import { SITE } from "../lib/base/tables.ts";
import { CONTROL_FIELDS } from "../lib/forms/definitions.ts";
import { publishedFormsPath, readPublishedForms } from "../lib/forms/published.ts";
import { communeIndexPath, loadCommuneIndex } from "../lib/places/communes-file.ts";
import { ALL_SCOPES, FakeAirtable } from "./support/airtable-server.ts";
import { SAMPLE_FORM, SAMPLE_KEYS, validSubmission } from "./support/sample.ts";
import { serveHandler } from "./support/serve-handler.ts";
import { FakeWebhook } from "./support/webhook-server.ts";

const exec = promisify(execFile);

/**
 * The local walkthrough's commands, in order, exactly as the README's code block writes them (its
 * `cd` and `export` lines aside: the commands below run in the clone, with those variables). The
 * test runs each of them, or its stand-in where said above.
 */
const WALKTHROUGH = [
  "git clone https://github.com/VOTRE-COMPTE/kit-startup-etat.git",
  "npm ci",
  "npm run airtable:setup",
  "npm run airtable:seed",
  "npm run doctor",
  "npm run build",
  "npm start",
  "npm run answers:flush",
  "npm run answers:notify -- --site http://localhost:8888",
] as const;

const README_SECTION = "## De la copie au service en ligne";

/** The commands of the README's walkthrough: its section's first sh block, without comments, `cd` and `export`. */
function readmeWalkthrough(readme: string): string[] {
  const start = readme.indexOf(`\n${README_SECTION}\n`);
  if (start < 0) throw new Error(`README : section « ${README_SECTION.slice(3)} » absente`);
  const rest = readme.slice(start + README_SECTION.length + 2);
  const section = rest.slice(0, rest.search(/\n## |$/));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error("README : la section du parcours n'a pas de bloc ```sh");
  return block
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "" && !line.startsWith("#") && !line.startsWith("cd ") && !line.startsWith("export "));
}

const TOKEN = "patWALKTHROUGH0123456789abcdef";
const BASE = "appWALKTHROUGH001";
/** What the citizen types as first name: it must reach Airtable, and never the chat. */
const DISTINCTIVE = "Zéphyrine-Parcours-7731";
/** The address `npm start` serves the site on: the summary links to its statistics page. */
const LOCAL_SITE = "http://localhost:8888";
/** The site id `netlify dev` gives the Blobs sandbox of a site not linked to Netlify. */
const UNLINKED_SITE = "unlinked";

interface Run {
  code: number | null;
  output: string;
}

/** A command as a process in `cwd`, its output (stdout and stderr) kept. */
function run(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, output }));
  });
}

const timings: Array<{ step: string; seconds?: number; note?: string }> = [];
const ran: string[] = [];

/** Runs one step of the walkthrough, timed. */
async function step<T>(command: (typeof WALKTHROUGH)[number], body: () => Promise<T>, note?: string): Promise<T> {
  ran.push(command);
  const started = performance.now();
  const result = await body();
  timings.push({ step: command, seconds: (performance.now() - started) / 1000, note });
  return result;
}

function printTimings(): void {
  const width = Math.max(...timings.map((t) => t.step.length));
  const lines = timings.map((t) => `${t.step.padEnd(width)}  ${t.seconds === undefined ? "      –" : t.seconds.toFixed(1).padStart(7)} s${t.note ? `  (${t.note})` : ""}`);
  const total = timings.reduce((sum, t) => sum + (t.seconds ?? 0), 0);
  console.log(["Parcours local, durée de chaque étape :", ...lines, `${"total (sans npm ci)".padEnd(width)}  ${total.toFixed(1).padStart(7)} s`].join("\n"));
}

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe("the walkthrough « De la copie au service en ligne »", () => {
  it("lists in the README exactly the commands this test runs, in order", async () => {
    expect(readmeWalkthrough(await readFile("README.md", "utf8"))).toEqual([...WALKTHROUGH]);
  });

  it("goes from a fresh clone to an answer in Airtable and its summary in the chat", { timeout: 600_000 }, async () => {
    // ---- The stand-ins of Airtable and of the team's chat.
    // The stand-in's rate limit runs on real time, as airtable.js and the kit pace themselves on it,
    // plus a skew the test moves: between two steps a person takes more than Airtable's one-second
    // window, so each step starts in a window of its own, however fast the machine ran the last one.
    let skew = 0;
    const airtable = new FakeAirtable({ tokens: [{ token: TOKEN, scopes: [...ALL_SCOPES] }], now: () => performance.now() + skew });
    const endpoint = await airtable.start();
    cleanups.push(() => airtable.stop());
    airtable.createBase(BASE);
    const webhook = new FakeWebhook();
    await webhook.start();
    cleanups.push(() => webhook.stop());
    const nextStep = () => (skew += 1000);

    // Every variable the kit reads is blanked (empty reads as unset): only the intrapreneur's two
    // exports count, and the stand-in's address in place of api.airtable.com.
    const env: Record<string, string> = {
      ...Object.fromEntries(VARIABLES.map((name) => [name, ""])),
      AIRTABLE_TOKEN: TOKEN,
      AIRTABLE_BASE_ID: BASE,
      AIRTABLE_ENDPOINT_URL: endpoint,
    };
    const npm = (script: string, args: string[] = []) => {
      nextStep();
      return run("npm", ["run", "-s", script, ...(args.length ? ["--", ...args] : [])], clone, env);
    };

    // ---- git clone: the project's own repository at its HEAD (what is committed, nothing else).
    const root = resolve(".");
    const { stdout: head } = await exec("git", ["rev-parse", "HEAD"], { cwd: root });
    const parent = await mkdtemp(join(tmpdir(), "kit-walkthrough-"));
    cleanups.push(() => rm(parent, { recursive: true, force: true }));
    const clone = join(parent, "kit-startup-etat");
    const cloned = await step(WALKTHROUGH[0], async () => {
      const result = await run("git", ["clone", "--quiet", root, clone], parent, {});
      if (result.code === 0) await exec("git", ["checkout", "--quiet", "--detach", head.trim()], { cwd: clone });
      return result;
    });
    expect(cloned.code, cloned.output).toBe(0);

    // ---- npm ci: not run (see the header); the project's installed packages, linked.
    ran.push(WALKTHROUGH[1]);
    await symlink(resolve(root, "node_modules"), join(clone, "node_modules"), "dir");
    timings.push({ step: WALKTHROUGH[1], note: "non lancé ici : 4 min 34 s mesurées à part" });

    // ---- npm run airtable:setup, then airtable:seed, on the empty base.
    const setup = await step(WALKTHROUGH[2], () => npm("airtable:setup"));
    expect(setup.code, setup.output).toBe(0);
    const seed = await step(WALKTHROUGH[3], () => npm("airtable:seed"));
    expect(seed.code, seed.output).toBe(0);
    expect(airtable.records(BASE, "Questions")).toHaveLength(33);

    // ---- In Airtable, table Site: the webhook's address, and an hourly summary. The person types
    // them in Airtable's grid; this is the same change through Airtable's API.
    nextStep();
    const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
    const listed = await fetch(`${endpoint}/v0/${BASE}/${encodeURIComponent(SITE.name)}`, { headers });
    expect(listed.status).toBe(200);
    const [siteRecord] = ((await listed.json()) as { records: Array<{ id: string; fields: Record<string, unknown> }> }).records;
    expect(siteRecord).toBeDefined();
    const patched = await fetch(`${endpoint}/v0/${BASE}/${encodeURIComponent(SITE.name)}`, {
      method: "PATCH",
      headers,
      body: JSON.stringify({ records: [{ id: siteRecord!.id, fields: { "Webhook des réponses": webhook.url, "Fréquence du résumé": "Horaire" } }] }),
    });
    expect(patched.status, await patched.clone().text()).toBe(200);

    // ---- npm run doctor, before any build: every line ✔, but the deployed site's, not checked
    // without a Netlify token; the address index is the one the build will make from the sample.
    const doctor = await step(WALKTHROUGH[4], () => npm("doctor"));
    expect(doctor.code, doctor.output).toBe(0);
    const marks = doctor.output.split("\n").filter((line) => /^[✔✘–] /.test(line));
    expect(marks.filter((line) => !line.startsWith("✔ ")), doctor.output).toEqual(["– Site déployé non vérifié (NETLIFY_AUTH_TOKEN n'est pas défini)"]);
    for (const line of ["✔ Jeton Airtable accepté", "✔ Structure de la base Airtable conforme", `✔ Base Airtable ${BASE} valide (3 services, 33 questions)`]) {
      expect(doctor.output).toContain(line);
    }
    expect(doctor.output).toContain("✔ Index d'adresses pas encore construit et couvrant le territoire");
    expect(doctor.output).toContain("Tout est prêt.");

    // ---- npm run build: the site, the forms' definitions (with the webhook) and the address index.
    const build = await step(WALKTHROUGH[5], () => npm("build"));
    expect(build.code, build.output).toBe(0);

    // ---- npm start, and a citizen's answer. Stand-in (see the header): the submit function's
    // handler, wired as functions/submit.ts wires it, on the clone's build and on the Blobs sandbox
    // of `npm start`, served over HTTP; its clock is the test's, so that the form stays open 45 s
    // (an answer sent faster only looks automated: quarantine) without waiting for them.
    const forms = await readPublishedForms(publishedFormsPath(join(clone, "build")));
    const form = forms.forms[SAMPLE_FORM];
    expect(form, `le formulaire ${SAMPLE_FORM} manque à la construction`).toBeDefined();
    const answer = await step(
      WALKTHROUGH[6],
      async () => {
        const sandbox = new BlobsServer({ directory: join(clone, ".netlify", "blobs-serve"), token: "sandbox-token" });
        const { port } = await sandbox.start();
        const url = `http://localhost:${port}`;
        const store = new BlobsAnswerStore(getStore({ name: STORE_NAME, siteID: UNLINKED_SITE, token: "sandbox-token", edgeURL: url, uncachedEdgeURL: url, consistency: "strong" }));
        let index: ReturnType<typeof loadIndex> | undefined;
        const clock = { now: Date.now() - 45_000 };
        const handler = createSubmitHandler({
          forms,
          store,
          now: () => clock.now,
          addresses: providerFor("local", () => (index ??= loadIndex(join(clone, "build", "adresses.idx")))),
          communes: () => loadCommuneIndex(communeIndexPath(join(clone, "build"))),
        });
        const site = await serveHandler(handler);
        try {
          const action = `${site.url}${form!.definition.action}`;
          // The form page opens: it asks for its timing token.
          const opened = await fetch(action, { headers: { accept: "application/json" } });
          const { token } = (await opened.json()) as { token: string };
          clock.now += 45_000;
          const response = await fetch(action, {
            method: "POST",
            redirect: "manual",
            headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
            body: new URLSearchParams([...citizenAnswer(form!.definition.fields), [CONTROL_FIELDS.timing, token]]).toString(),
          });
          return { status: response.status, location: response.headers.get("location"), body: response.status === 303 ? "" : await response.text() };
        } finally {
          await site.close();
          await sandbox.stop();
        }
      },
      "formulaire servi par la fonction d'envoi, sans netlify dev",
    );
    expect(answer.status, answer.body).toBe(303);
    expect(answer.location).toContain(form!.definition.confirmationPath);

    // ---- npm run answers:flush: the answer, from the sandbox to the table Réponses.
    const flush = await step(WALKTHROUGH[7], () => npm("answers:flush"));
    expect(flush.code, flush.output).toBe(0);
    expect(flush.output).toContain("1 réponse en attente (.netlify/blobs-serve)");
    const rows = airtable.records(BASE, ANSWERS_TABLE);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.fields).toMatchObject({ Prénom: DISTINCTIVE, Formulaire: SAMPLE_FORM, Statut: "Reçue" });

    // ---- npm run answers:notify: the summary, in the chat.
    const notify = await step(WALKTHROUGH[8], () => npm("answers:notify", ["--site", LOCAL_SITE]));
    expect(notify.code, notify.output).toBe(0);
    expect(webhook.delivered).toHaveLength(1);
    expect(webhook.delivered[0]).toContain(`- 1 nouvelle réponse pour « ${form!.definition.title} »`);
    expect(webhook.delivered[0]).toContain(`Voir ${LOCAL_SITE}/stats/`);
    expect(webhook.delivered[0]).not.toContain(DISTINCTIVE);
    expect(notify.output).not.toContain(webhook.key);

    // No command printed a secret: the token, the webhook's address.
    for (const output of [setup, seed, build, doctor, flush, notify].map((r) => r.output)) {
      expect(output).not.toContain(TOKEN);
      expect(output).not.toContain(webhook.key);
    }
    expect(ran).toEqual([...WALKTHROUGH]);
    printTimings();
  });
});

/**
 * The sample's valid answer (tests/support/sample.ts), keyed for this build: a base seeded in
 * Airtable gives its questions Airtable's record ids, so each answer is matched by its question's
 * label in the embedded base. The first name is the distinctive one.
 */
function citizenAnswer(fields: Array<{ key: string; label: string }>): Array<[string, string]> {
  const labels = EMBEDDED_LABELS;
  return validSubmission().map(([key, value]) => {
    const [id = "", suffix] = key.split("__");
    const field = fields.find((f) => f.label === labels[id]);
    if (!field) throw new Error(`question « ${labels[id] ?? id} » absente du formulaire construit`);
    return [suffix ? `${field.key}__${suffix}` : field.key, id === SAMPLE_KEYS.firstName ? DISTINCTIVE : value];
  });
}

/** The embedded base's question labels, by record id (the ids sample.ts names). */
const EMBEDDED_LABELS: Record<string, string> = Object.fromEntries(
  (JSON.parse(await readFile("data/base/Questions.json", "utf8")) as { records: Array<{ id: string; fields: { Libellé: string } }> }).records.map((r) => [r.id, r.fields.Libellé]),
);
