// The summary of new answers on a chat webhook: a local server stands in for a Mattermost or Slack
// incoming webhook (200 "ok"; told to fail with a 500 or a dropped connection). Real stores (files
// in a temp folder, a real Netlify Blobs server), a virtual clock for the hours and the pauses
// between attempts, so nothing waits for real time.
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getStore } from "@netlify/blobs";
import { BlobsServer } from "@netlify/blobs/server";
import type { Context } from "@netlify/functions";
import { parseSource } from "@netlify/zip-it-and-ship-it/dist/runtimes/node/in_source_config/index.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import notifyFunction from "../functions/notify-answers.ts";
import { ANSWERS_TABLE, answerFields } from "../lib/airtable/answer-sink.ts";
import type { Answer } from "../lib/answers/answer.ts";
import { BlobsAnswerStore, STORE_NAME } from "../lib/answers/blobs-store.ts";
import { DiskAnswerStore, type AnswerStore } from "../lib/answers/store.ts";
import { DiskMarkStore, isDue, markStoreFor, periodStart } from "../lib/answers/summary.ts";
import { flushToAirtable } from "../lib/app/answers.ts";
import { readConfig } from "../lib/app/config.ts";
import { notifyNewAnswers, notifySettings, type NotifyOptions } from "../lib/app/notify.ts";
import { SITE } from "../lib/base/tables.ts";
import type { FormDefinition } from "../lib/forms/definitions.ts";
import { definitionsOf, publishedFormsPath, readPublishedForms, type PublishedForms } from "../lib/forms/published.ts";
import { FakeAirtable } from "./support/airtable-server.ts";
import { buildWithBase, copyBase, runScript } from "./support/build.ts";
import { VirtualClock } from "./support/clock.ts";
import { SAMPLE_FORM, SAMPLE_KEYS } from "./support/sample.ts";
import { FakeWebhook } from "./support/webhook-server.ts";

const HOUR = 3_600_000;
/** 15 January 2026, 11:00:05 in Paris (winter: UTC+1), five seconds after an hourly run is due. */
const START = Date.UTC(2026, 0, 15, 10, 0, 5);
const SITE_URL = "https://conseil.example.gouv.fr";
/** What a citizen typed: it must never reach the chat. */
const DISTINCTIVE = "Zéphyrin-Quetzalcoatl-4821";
const EMAIL = "zephyrin.4821@exemple.fr";

const definition = (slug: string, title: string): FormDefinition => ({
  slug,
  title,
  formPath: `/${slug}/formulaire/`,
  action: `/api/submit/${slug}`,
  confirmationPath: `/${slug}/merci/`,
  fields: [],
});

function published(webhookUrl: string, frequency: "daily" | "hourly" = "hourly"): PublishedForms {
  const page = { before: "", after: "" };
  return {
    builtAt: new Date(START).toISOString(),
    forms: {
      "conseil-renovation": { definition: definition("conseil-renovation", "Conseil rénovation"), page },
      "aide-velo": { definition: definition("aide-velo", "Aide vélo"), page },
    },
    notify: { webhookUrl, frequency, siteName: "Mon conseiller rénovation" },
  };
}

let seq = 0;
function answer(form: string, at: number, extra: Partial<Answer> = {}): Answer {
  const id = createHash("sha256").update(`answer-${seq++}`).digest("hex").slice(0, 24);
  return {
    id,
    form,
    submittedAt: new Date(at).toISOString(),
    source: "web",
    values: { recQPrenom0000001: DISTINCTIVE, recQEmail0000003: EMAIL },
    origin: { source: "lettre", campaign: "janvier" },
    ...extra,
  };
}

let webhook: FakeWebhook;
let clock: VirtualClock;
let dir: string;
let store: DiskAnswerStore;
const blobsServers: BlobsServer[] = [];

beforeEach(async () => {
  webhook = new FakeWebhook();
  await webhook.start();
  clock = new VirtualClock({ start: START });
  dir = await mkdtemp(join(tmpdir(), "kit-notify-"));
  store = new DiskAnswerStore(dir);
});

afterEach(async () => {
  await webhook.stop();
  await Promise.all(blobsServers.splice(0).map((s) => s.stop()));
});

/** One run of the notifier on the virtual clock, as the hourly function does it. */
const run = (options: Partial<NotifyOptions> = {}) =>
  notifyNewAnswers({ forms: published(webhook.url), store, siteUrl: SITE_URL, now: clock.now, sleep: clock.sleep, ...options });

describe("the summary of new answers", () => {
  it("posts the counts per form, quarantined and discarded apart, as Mattermost and Slack take them", async () => {
    for (let i = 0; i < 3; i++) await store.put(answer("conseil-renovation", START - 50 * 60_000 + i * 60_000));
    await store.put(answer("conseil-renovation", START - 20 * 60_000, { quarantine: { reason: "too-fast" } }));
    await store.put(answer("aide-velo", START - 10 * 60_000));
    await store.discard("conseil-renovation", "honeypot", START - 5 * 60_000);
    await store.discard("conseil-renovation", "honeypot", START - 4 * 60_000);

    const outcome = await run();

    expect(outcome.status).toBe("sent");
    expect(webhook.requests).toHaveLength(1);
    const [request] = webhook.requests;
    expect(request?.path).toBe(`/hooks/${webhook.key}`);
    expect(request?.contentType).toBe("application/json");
    expect(Object.keys(JSON.parse(request?.raw ?? "{}") as object)).toEqual(["text"]);
    expect(webhook.delivered).toEqual([
      [
        "Mon conseiller rénovation — nouvelles réponses depuis la mise en ligne :",
        "- 3 nouvelles réponses pour « Conseil rénovation », 1 en quarantaine, 2 envois écartés (robots)",
        "- 1 nouvelle réponse pour « Aide vélo »",
        "Voir https://conseil.example.gouv.fr/stats/ ; les réponses en quarantaine attendent d'être relues (npm run answers:review).",
      ].join("\n"),
    ]);

    // An hour later: only what came since.
    await clock.advance(HOUR);
    await store.put(answer("aide-velo", clock.now() - 10 * 60_000));
    await store.discard("conseil-renovation", "honeypot", clock.now() - 60_000);
    expect((await run()).status).toBe("sent");
    expect(webhook.delivered[1]).toBe(
      [
        "Mon conseiller rénovation — nouvelles réponses depuis le 15/01/2026 à 11:00 :",
        "- aucune nouvelle réponse pour « Conseil rénovation », 1 envoi écarté (robot)",
        "- 1 nouvelle réponse pour « Aide vélo »",
        "Voir https://conseil.example.gouv.fr/stats/.",
      ].join("\n"),
    );
  });

  it("posts nothing when nothing is new, and counts a correction where its answer first arrived", async () => {
    const first = answer("conseil-renovation", START - 30 * 60_000);
    await store.put(first);
    expect((await run()).status).toBe("sent");

    // The same citizen corrects the answer later: an update of the same answer, not a new one.
    await clock.advance(HOUR);
    await store.put({ ...first, submittedAt: new Date(clock.now() - 5 * 60_000).toISOString(), values: { recQPrenom0000001: "Autre" } });
    expect((await run()).status).toBe("nothing-new");
    expect(webhook.requests).toHaveLength(1);
    // Nothing to say still counts as this hour's run: the next one looks from here.
    expect((await new DiskMarkStore(dir).read())?.checkedAt).toBe(new Date(clock.now()).toISOString());
  });

  it("sends the same counts again after a failed post, never twice once delivered", async () => {
    await store.put(answer("conseil-renovation", START - 40 * 60_000));
    await store.put(answer("conseil-renovation", START - 30 * 60_000));
    const before = await markStoreFor(store).read();
    webhook.fail(3, "500");

    const failed = await run();

    // Three attempts, 2 s then 4 s apart on the clock: bounded within the function's 30 s.
    expect(failed.status).toBe("failed");
    expect(failed.status === "failed" && failed.error).toBe("le webhook répond 500 (indisponible) (3 essais)");
    expect(webhook.requests.map((r) => r.answer)).toEqual([500, 500, 500]);
    expect(clock.now() - START).toBe(6_000);
    expect(await markStoreFor(store).read()).toEqual(before);

    // The next hour, one more answer; the webhook drops the connection once, then answers.
    await clock.advance(HOUR);
    await store.put(answer("conseil-renovation", clock.now() - 10 * 60_000));
    webhook.fail(1, "drop");
    expect((await run()).status).toBe("sent");
    expect(webhook.requests.map((r) => r.answer)).toEqual([500, 500, 500, "drop", 200]);
    expect(webhook.delivered).toHaveLength(1);
    expect(webhook.delivered[0]).toContain("- 3 nouvelles réponses pour « Conseil rénovation »");

    // And the hour after: nothing again, nothing posted.
    await clock.advance(HOUR);
    expect((await run()).status).toBe("nothing-new");
    expect(webhook.delivered).toHaveLength(1);
  });

  it("does not retry a webhook that refuses the message (a wrong or revoked address), and keeps the counts", async () => {
    await store.put(answer("aide-velo", START - 40 * 60_000));
    const outcome = await run({ forms: published(`${webhook.url}-revoked`) });
    expect(outcome.status === "failed" && outcome.error).toBe("le webhook refuse le message (404) : vérifiez « Webhook des réponses » dans la table Site");
    expect(webhook.requests).toHaveLength(1);
    expect(JSON.stringify(outcome)).not.toContain(webhook.key);
    expect(await markStoreFor(store).read()).toBeUndefined();
    await clock.advance(HOUR);
    expect((await run()).status).toBe("sent");
    expect(webhook.delivered[0]).toContain("1 nouvelle réponse pour « Aide vélo »");
  });

  it("reads only the new answers, at most a bounded number per run, the rest at the next run", async () => {
    let reads = 0;
    const counting = new (class extends DiskAnswerStore {
      override get(form: string, id: string) {
        reads++;
        return super.get(form, id);
      }
    })(dir);
    for (let i = 0; i < 5; i++) await counting.put(answer("aide-velo", START - (50 - i) * 60_000));
    const outcome = await run({ store: counting, maxReads: 3 });
    expect(reads).toBe(3);
    expect(outcome.status === "sent" && outcome.text).toContain("- 3 nouvelles réponses pour « Aide vélo »\nEt 2 autres nouvelles réponses, comptées dans le prochain résumé.");
    // Due at once, within the same hour: the two left.
    await clock.advance(60_000);
    expect((await run({ store: counting, maxReads: 3 })).status).toBe("sent");
    expect(reads).toBe(5);
    expect(webhook.delivered[1]).toContain("- 2 nouvelles réponses pour « Aide vélo »\nVoir");
    // Then one more answer costs one read, whatever is stored.
    await clock.advance(HOUR);
    await counting.put(answer("aide-velo", clock.now()));
    expect((await run({ store: counting, maxReads: 3 })).status).toBe("sent");
    expect(reads).toBe(6);
    expect(webhook.delivered[2]).toContain("- 1 nouvelle réponse pour « Aide vélo »\nVoir");
  });

  it("never posts what a citizen typed, nor anything that identifies an answer", async () => {
    const answers = [answer("conseil-renovation", START - 40 * 60_000), answer("conseil-renovation", START - 35 * 60_000, { quarantine: { reason: "no-timing" } })];
    for (const a of answers) await store.put(a);
    expect((await run()).status).toBe("sent");
    const [raw] = webhook.requests.map((r) => r.raw);
    expect(raw).toContain("1 nouvelle réponse pour « Conseil rénovation », 1 en quarantaine");
    for (const secret of [DISTINCTIVE, EMAIL, "zephyrin", "lettre", "janvier", ...answers.map((a) => a.id)]) {
      expect(raw?.toLowerCase()).not.toContain(secret.toLowerCase());
    }
  });

  it("sends a daily summary once a day from 9 h in Paris, and again the next hour if it failed", async () => {
    const daily = (options: Partial<NotifyOptions> = {}) => run({ forms: published(webhook.url, "daily"), ...options });
    // 08:30 in Paris.
    clock = new VirtualClock({ start: Date.UTC(2026, 0, 15, 7, 30) });
    const marks = new DiskMarkStore(dir);
    await marks.write({ counted: {}, checkedAt: new Date(Date.UTC(2026, 0, 14, 8, 0, 3)).toISOString(), discarded: {} });
    await store.put(answer("conseil-renovation", clock.now() - HOUR));
    expect((await daily()).status).toBe("not-due");

    await clock.advance(30 * 60_000 + 4_000); // 09:00:04
    webhook.fail(3, "drop");
    expect((await daily()).status).toBe("failed");
    await clock.advance(HOUR); // 10:00:10, after the pauses
    expect((await daily()).status).toBe("sent");
    expect(webhook.delivered).toEqual([
      [
        "Mon conseiller rénovation — nouvelles réponses depuis le 14/01/2026 à 09:00 :",
        "- 1 nouvelle réponse pour « Conseil rénovation »",
        "Voir https://conseil.example.gouv.fr/stats/.",
      ].join("\n"),
    ]);
    await store.put(answer("aide-velo", clock.now()));
    await clock.advance(HOUR);
    expect((await daily()).status).toBe("not-due");
    await clock.advance(22 * HOUR); // the next day, 09:00:10
    expect((await daily()).status).toBe("sent");
    expect(webhook.delivered).toHaveLength(2);

    // 9 h is 9 h in summer time too.
    expect(new Date(periodStart(Date.UTC(2026, 6, 1, 7, 0, 5), "daily")).toISOString()).toBe("2026-07-01T07:00:00.000Z");
    expect(new Date(periodStart(Date.UTC(2026, 6, 1, 6, 59, 59), "daily")).toISOString()).toBe("2026-06-30T07:00:00.000Z");
    // The day summer time starts (29 March 2026), the day before still began at 9 h winter time.
    expect(new Date(periodStart(Date.UTC(2026, 2, 29, 6, 30), "daily")).toISOString()).toBe("2026-03-28T08:00:00.000Z");
    expect(isDue(undefined, START, "daily")).toBe(true);
  });

  it("--dry-run and the command post nothing twice, the mark moving only on delivery", async () => {
    await store.put(answer("aide-velo", START - 40 * 60_000));
    const dry = await run({ dryRun: true });
    expect(dry.status === "dry-run" && dry.text).toContain("1 nouvelle réponse pour « Aide vélo »");
    expect(webhook.requests).toHaveLength(0);
    expect(await markStoreFor(store).read()).toBeUndefined();
    // The command sends now, whatever the frequency: twice in the same hour is fine.
    expect((await run({ force: true })).status).toBe("sent");
    await clock.advance(10 * 60_000);
    await store.put(answer("aide-velo", clock.now()));
    expect((await run()).status).toBe("not-due");
    expect((await run({ force: true })).status).toBe("sent");
    expect(webhook.delivered).toHaveLength(2);
  });
});

describe("the summary and the flush to Airtable", () => {
  it("are independent: a webhook that is down never holds up an answer, and a flushed answer is counted once", async () => {
    const BASE = "appKITTEST0000001";
    const TOKEN = "patTEST";
    const forms = await readPublishedForms();
    const definitions = definitionsOf(forms);
    const airtable = new FakeAirtable({ token: TOKEN, now: clock.now });
    const endpoint = await airtable.start();
    try {
      airtable.createBase(BASE);
      airtable.addTable(BASE, { name: ANSWERS_TABLE, fields: answerFields(Object.values(definitions)) });
      const server = new BlobsServer({ directory: await mkdtemp(join(tmpdir(), "kit-blobs-")), token: "blobs-token" });
      blobsServers.push(server);
      const { port } = await server.start();
      const url = `http://localhost:${port}`;
      const blobs = new BlobsAnswerStore(getStore({ name: STORE_NAME, siteID: "test-site", token: "blobs-token", edgeURL: url, uncachedEdgeURL: url, consistency: "strong" }));
      const values = { [SAMPLE_KEYS.firstName]: DISTINCTIVE, [SAMPLE_KEYS.email]: EMAIL };
      for (let i = 0; i < 4; i++) await blobs.put(answer(SAMPLE_FORM, START - (40 - i) * 60_000, { values }));
      const notify = () => notifyNewAnswers({ forms: { ...forms, notify: { webhookUrl: webhook.url, frequency: "hourly", siteName: "Kit" } }, store: blobs, now: clock.now, sleep: clock.sleep });

      webhook.fail(3, "drop");
      expect((await notify()).status).toBe("failed");
      const config = readConfig({ AIRTABLE_TOKEN: TOKEN, AIRTABLE_BASE_ID: BASE, AIRTABLE_ENDPOINT_URL: endpoint });
      const report = await flushToAirtable({ store: blobs, forms, durationMs: 24_000, config, now: clock.now, sleep: clock.sleep });
      expect(report).toMatchObject({ written: 4, stoppedBy: "empty" });
      expect(airtable.records(BASE, ANSWERS_TABLE)).toHaveLength(4);
      expect(await blobs.pendingKeys()).toEqual([]);

      // Now in sent/, not pending/: the same four, counted once, in the same store's mark.
      await clock.advance(HOUR);
      expect((await notify()).status).toBe("sent");
      expect(webhook.delivered).toHaveLength(1);
      expect(webhook.delivered[0]).toContain(`4 nouvelles réponses pour « ${definitions[SAMPLE_FORM]?.title} »`);
      expect(webhook.delivered[0]).not.toContain(DISTINCTIVE);
      await clock.advance(HOUR);
      expect((await notify()).status).toBe("nothing-new");
    } finally {
      await airtable.stop();
    }
    // The flush function does not reach the notifier at all.
    expect(await readFile("functions/flush-answers.ts", "utf8")).not.toMatch(/notify|summary|webhook/i);
  });
});

describe("the Site table's webhook", () => {
  it("gives way to ANSWERS_WEBHOOK_URL, which a public repository does not publish", () => {
    const site = { name: "Mon site", summaryFrequency: "hourly" as const, answersWebhook: "https://chat.example.gouv.fr/hooks/from-table" };
    const fromEnv = "https://chat.example.gouv.fr/hooks/from-env";
    expect(notifySettings(site, { answersWebhook: fromEnv })).toEqual({ notify: { webhookUrl: fromEnv, frequency: "hourly", siteName: "Mon site" } });
    expect(notifySettings(site, {}).notify?.webhookUrl).toBe(site.answersWebhook);
    expect(notifySettings({ ...site, answersWebhook: undefined }, { answersWebhook: fromEnv }).notify?.webhookUrl).toBe(fromEnv);
    expect(notifySettings({ ...site, answersWebhook: undefined }, {})).toEqual({});
  });

  const check = (value: string) => SITE.strictSchema.safeParse({ ...siteFields, "Webhook des réponses": value });
  let siteFields: Record<string, unknown>;
  beforeEach(async () => {
    siteFields = (JSON.parse(await readFile("data/base/Site.json", "utf8")) as { records: Array<{ fields: Record<string, unknown> }> }).records[0]!.fields;
  });

  it("takes an https address, or http on this machine only, and reads « Fréquence du résumé » (Quotidien by default)", () => {
    expect(check("https://mattermost.example.gouv.fr/hooks/abc").success).toBe(true);
    expect(check("http://localhost:8080/hooks/abc").success).toBe(true);
    expect(check("http://127.0.0.1:8080/hooks/abc").success).toBe(true);
    for (const wrong of ["http://mattermost.example.gouv.fr/hooks/abc", "mattermost.example.gouv.fr/hooks/abc", "https://user:pass@example.gouv.fr/hooks/abc"]) {
      const result = check(wrong);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(["Webhook des réponses"]);
      expect(result.error?.issues[0]?.message).toMatch(/^doit être l'adresse https complète d'un webhook entrant/);
    }
    const parsed = SITE.strictSchema.parse(siteFields) as { summaryFrequency: string; answersWebhook?: string };
    expect(parsed).toMatchObject({ summaryFrequency: "daily" });
    expect(parsed.answersWebhook).toBeUndefined();
    expect(SITE.strictSchema.parse({ ...siteFields, "Fréquence du résumé": "Horaire" })).toMatchObject({ summaryFrequency: "hourly" });
    expect(SITE.strictSchema.safeParse({ ...siteFields, "Fréquence du résumé": "Hebdomadaire" }).error?.issues[0]?.message).toBe(
      "la valeur « Hebdomadaire » n'existe pas ; valeurs possibles : Quotidien, Horaire",
    );
  });

  it("reaches the functions through build/, never _site/, and npm run answers:notify sends the summary", async () => {
    const base = await copyBase();
    const sitePath = join(base, "Site.json");
    const site = JSON.parse(await readFile(sitePath, "utf8")) as { records: Array<{ fields: Record<string, unknown> }> };
    site.records[0]!.fields["Webhook des réponses"] = webhook.url;
    site.records[0]!.fields["Fréquence du résumé"] = "Horaire";
    await writeFile(sitePath, JSON.stringify(site));
    const built = await buildWithBase(base);
    expect(built.code, built.output).toBe(0);
    expect(built.output).not.toContain(webhook.key);

    const { notify, forms } = await readPublishedForms(publishedFormsPath(built.buildDir));
    expect(notify).toEqual({ webhookUrl: webhook.url, frequency: "hourly", siteName: site.records[0]!.fields["Nom du site"] });
    const files = (await readdir(built.outDir, { recursive: true, withFileTypes: true })).filter((d) => d.isFile());
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const content = await readFile(join(file.parentPath, file.name), "latin1");
      expect(content.includes(webhook.key), join(file.parentPath, file.name)).toBe(false);
    }

    await store.put(answer(SAMPLE_FORM, Date.now() - 10 * 60_000));
    const env = { KIT_BUILD_DIR: built.buildDir, ANSWERS_DIR: dir, ANSWERS_STORE: "disk", AIRTABLE_TOKEN: "", AIRTABLE_BASE_ID: "", NETLIFY_SITE_ID: "", NETLIFY_AUTH_TOKEN: "", NETLIFY_BLOBS_CONTEXT: "" };
    const dry = await runScript("answers:notify", env, ["--dry-run"]);
    expect(dry.code, dry.output).toBe(0);
    expect(dry.output).toContain(`1 nouvelle réponse pour « ${forms[SAMPLE_FORM]?.definition.title} »`);
    expect(webhook.requests).toHaveLength(0);
    const sent = await runScript("answers:notify", env, ["--site", SITE_URL]);
    expect(sent.code, sent.output).toBe(0);
    expect(webhook.delivered).toHaveLength(1);
    expect(webhook.delivered[0]).toContain(`Voir ${SITE_URL}/stats/`);
    expect(sent.output).not.toContain(webhook.key);
    const again = await runScript("answers:notify", env);
    expect(again.output).toContain("Rien de nouveau depuis le dernier résumé");
    expect(webhook.delivered).toHaveLength(1);

    // The scheduled function itself, as Netlify calls it: every hour, the site's address in its context.
    const { config } = parseSource(await readFile("functions/notify-answers.ts", "utf8"), { functionName: "notify-answers" });
    expect(config.schedule).toBe("@hourly");
    await store.put(answer("aide-velo", Date.now()));
    // The command sent one this hour, so the function has nothing due until the next: move the mark an hour back.
    const marks = new DiskMarkStore(dir);
    const mark = (await marks.read())!;
    await marks.write({ ...mark, checkedAt: new Date(Date.parse(mark.checkedAt) - HOUR).toISOString() });
    Object.assign(process.env, env);
    try {
      const response = await notifyFunction(new Request("http://localhost/.netlify/functions/notify-answers", { method: "POST" }), { site: { url: SITE_URL } } as Context);
      expect(await response.json()).toEqual({ status: "sent" });
    } finally {
      for (const name of Object.keys(env)) delete process.env[name];
    }
    expect(webhook.delivered[1]).toContain(`- 1 nouvelle réponse pour « ${forms["aide-velo"]?.definition.title} »\nVoir ${SITE_URL}/stats/.`);
  });
});
