// Issue 10: a simulated campaign through the real handlers (split, events, submit, stats), on
// counts kept on disk, then read on /api/stats, /stats/ and `npm run stats`.
import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createSubmitHandler } from "../lib/answers/submit.ts";
import { DiskAnswerStore } from "../lib/answers/store.ts";
import { publishedFormsPath, readPublishedForms, type PublishedForms } from "../lib/forms/published.ts";
import { createEventHandler, createStatsHandler } from "../lib/stats/handlers.ts";
import { DiskKeyValueStore } from "../lib/stats/key-value.ts";
import { CountLedger } from "../lib/stats/ledger.ts";
import type { StatsReport } from "../lib/stats/report.ts";
import { createSplitHandler } from "../lib/stats/split.ts";
import { runScript } from "./support/build.ts";
import { SAMPLE_FORM, SAMPLE_KEYS, validSubmission } from "./support/sample.ts";

const ORIGIN = "https://kit.example";
const BROWSER = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";
const T0 = Date.parse("2026-11-27T09:00:00Z");
const HYPOTHESIS = "Au moins 6 % des visiteurs demandent à être rappelés";

let forms: PublishedForms;
beforeAll(async () => {
  forms = await readPublishedForms();
  // The sample's service, with one more hypothesis: a 6 % conversion.
  const form = forms.forms[SAMPLE_FORM]!;
  form.hypotheses = [...(form.hypotheses ?? []), { id: "recHypSixPourCent", statement: HYPOTHESIS, metric: "conversion", threshold: 6 }];
});

interface Tally {
  landing: number;
  form: number;
  starts: number;
  accepted: number;
  refused: number;
  reachedLast: number;
}

async function campaign(visits: number) {
  const dir = await mkdtemp(join(tmpdir(), "kit-campaign-"));
  const clock = { now: T0 };
  const now = () => clock.now;
  const ledger = new CountLedger(new DiskKeyValueStore(join(dir, "statistiques")), { now });
  const split = createSplitHandler({ forms, now });
  const events = createEventHandler({ forms, ledger, now });
  const submit = createSubmitHandler({ forms, store: new DiskAnswerStore(join(dir, "reponses")), counts: ledger, now });
  const stats = createStatsHandler({ forms, ledger, now });
  const questions = forms.forms[SAMPLE_FORM]!.definition.fields.length;
  const rates: Record<string, number> = { detaillee: 0.05, courte: 0.09 };
  const tally: Record<string, Tally> = {};
  const bySource: Record<string, { views: number; accepted: number }> = {};

  const send = async (event: object, headers: Record<string, string> = {}) => {
    const response = await events(
      new Request(`${ORIGIN}/api/event`, { method: "POST", headers: { "content-type": "application/json", "user-agent": BROWSER, ...headers }, body: JSON.stringify(event) }),
    );
    expect(response.status).toBe(204);
  };

  for (let i = 0; i < visits; i++) {
    // Two channels: a letter (utm_source, campaign) for even visitors, Facebook (its referrer) for odd ones.
    const fromLetter = i % 2 === 0;
    const query = fromLetter ? "?utm_source=lettre&utm_campaign=janvier" : "";
    const visitor = { "x-forwarded-for": `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, "user-agent": BROWSER };
    const response = await split(new Request(`${ORIGIN}/${SAMPLE_FORM}/${query}`, { headers: visitor }));
    expect(response.status).toBe(302);
    const location = response.headers.get("location") ?? "";
    const variant = /^\/conseil-renovation\/([a-z-]+)\//.exec(location)?.[1] ?? "";
    expect(location).toBe(`/${SAMPLE_FORM}/${variant}/${query}`);
    const t = (tally[variant] ??= { landing: 0, form: 0, starts: 0, accepted: 0, refused: 0, reachedLast: 0 });
    const source = fromLetter ? "lettre" : "facebook.com";
    const s = (bySource[source] ??= { views: 0, accepted: 0 });
    const measure = { service: SAMPLE_FORM, variant };
    await send({ type: "view", ...measure, page: "landing", source, ...(fromLetter ? { campaign: "janvier" } : {}) });
    t.landing++;
    s.views++;
    // This variant's n-th visitor converts when the running count falls behind its rate: exactly
    // round(rate × visits) over the campaign, spread evenly.
    const converts = Math.floor(t.landing * rates[variant]!) > Math.floor((t.landing - 1) * rates[variant]!);
    const abandons = !converts && t.landing % 10 === 0;
    if (converts || abandons) {
      await send({ type: "view", ...measure, page: "form", source });
      t.form++;
      // Question by question; one who gives up stops after the third.
      const last = converts ? questions - 1 : 2;
      for (let q = 0; q <= last; q++) await send({ type: "progress", ...measure, from: q - 1, to: q });
      t.starts++;
      if (last === questions - 1) t.reachedLast++;
    }
    if (converts) {
      const token = ((await (await submit(new Request(`${ORIGIN}/api/submit/${SAMPLE_FORM}`, { headers: { accept: "application/json" } }))).json()) as { token: string }).token;
      clock.now += 60_000;
      const entries: Array<[string, string]> = [...validSubmission(), ["_jeton", token], ["_instance", `visite-${i}`], ["_variante", variant], ["_source", source]];
      if (fromLetter) entries.push(["_campagne", "janvier"]);
      // One in five first forgets their e-mail, then corrects it.
      if (t.accepted % 5 === 0) {
        const refused = await submit(
          new Request(`${ORIGIN}/api/submit/${SAMPLE_FORM}`, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded", ...visitor },
            body: new URLSearchParams(entries.filter(([key]) => key !== SAMPLE_KEYS.email)).toString(),
          }),
        );
        expect(refused.status).toBe(422);
        t.refused++;
      }
      const sent = await submit(
        new Request(`${ORIGIN}/api/submit/${SAMPLE_FORM}`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", ...visitor },
          body: new URLSearchParams(entries).toString(),
        }),
      );
      expect(sent.status).toBe(303);
      t.accepted++;
      s.accepted++;
    }
    // Two days of campaign.
    clock.now += Math.floor((36 * 3600_000) / visits);
  }
  return { dir, ledger, stats, events, tally, bySource, clock };
}

describe("a campaign of 2,000 visits over two variants (5 % and 9 %), from two sources", () => {
  let run: Awaited<ReturnType<typeof campaign>>;
  let report: StatsReport;
  beforeAll(async () => {
    run = await campaign(2000);
    const response = await run.stats(new Request(`${ORIGIN}/api/stats`));
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=60");
    report = (await response.json()) as StatsReport;
    const service = report.services.find((s) => s.slug === SAMPLE_FORM)!;
    for (const v of service.variants) console.log(`campagne : ${v.name} : ${v.landingViews} visites, ${v.accepted} réponses, ${v.conversion.percent} % [${v.conversion.low} ; ${v.conversion.high}]`);
    console.log(`campagne : ${service.comparison?.verdict}`);
    // Thousands of requests and files: the machine's load sets the time, not the code.
  }, 180_000);

  it("splits the main address evenly between the active variants", () => {
    const { detaillee, courte } = run.tally;
    expect(detaillee!.landing + courte!.landing).toBe(2000);
    // A uniform hash: 1,000 ± 3 standard deviations (about 67).
    expect(Math.abs(detaillee!.landing - 1000)).toBeLessThan(70);
  });

  it("counts every view, start and answer of each variant exactly", () => {
    const service = report.services.find((s) => s.slug === SAMPLE_FORM)!;
    for (const [slug, t] of Object.entries(run.tally)) {
      const row = service.variants.find((v) => v.slug === slug)!;
      expect(row).toMatchObject({ landingViews: t.landing, formViews: t.form, starts: t.starts, accepted: t.accepted, refused: t.refused, quarantined: 0 });
      expect(row.reached.at(-1)).toBe(t.reachedLast);
      expect(row.conversion.percent).toBeCloseTo((100 * t.accepted) / t.landing, 1);
    }
    // The main page is no longer shown once variants are active: not in the report.
    expect(service.variants.map((v) => v.slug).sort()).toEqual(["courte", "detaillee"]);
    expect(service.totals.landingViews).toBe(2000);
  });

  it("names the variant that converts better, and validates a 6 % hypothesis for it only", () => {
    const service = report.services.find((s) => s.slug === SAMPLE_FORM)!;
    expect(service.comparison).toMatchObject({ significant: true, best: "courte", verdict: "Promesse courte convertit mieux que Promesse détaillée (écart significatif)" });
    const hypothesis = service.hypotheses.find((h) => h.statement === HYPOTHESIS)!;
    expect(hypothesis.status).toBe("validée");
    const byVariant = Object.fromEntries(hypothesis.results.map((r) => [r.variant, r.status]));
    expect(byVariant.courte).toBe("validée");
    expect(byVariant.detaillee).not.toBe("validée");
  });

  it("counts sources, campaigns, days and communes", () => {
    const service = report.services.find((s) => s.slug === SAMPLE_FORM)!;
    for (const [source, s] of Object.entries(run.bySource)) {
      expect(service.sources.find((row) => row.source === source)).toMatchObject({ landingViews: s.views, accepted: s.accepted });
    }
    expect(service.campaigns).toEqual([{ source: "lettre", campaign: "janvier", landingViews: 1000, accepted: run.bySource.lettre!.accepted }]);
    expect(service.days.map((d) => d.day)).toEqual(["2026-11-27", "2026-11-28", "2026-11-29"]);
    expect(service.days.reduce((n, d) => n + d.landingViews, 0)).toBe(2000);
    const accepted = run.tally.courte!.accepted + run.tally.detaillee!.accepted;
    expect(service.communes).toEqual([{ code: "93010", count: accepted }]);
    expect(service.departements).toEqual([{ code: "93", count: accepted }]);
    // Every sample answer says « Maison individuelle »: a 50 % hypothesis on it is validated.
    expect(service.hypotheses.find((h) => h.metric === "answer-value")?.status).toBe("validée");
  });

  it("shows the same numbers on the /stats/ page", async () => {
    const response = await run.stats(new Request(`${ORIGIN}/stats/`));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const html = await response.text();
    expect(html).toContain("Promesse courte convertit mieux que Promesse détaillée (écart significatif)");
    expect(html).toContain(HYPOTHESIS);
    const format = (n: number) => new Intl.NumberFormat("fr-FR").format(n);
    for (const t of Object.values(run.tally)) {
      expect(html).toContain(`>${format(t.landing)}<`);
      expect(html).toContain(`>${format(t.accepted)}<`);
    }
    // The DSFR page around it, from the build.
    expect(html).toContain('<footer class="fr-footer"');
  });

  it("prints the same tables with npm run stats", async () => {
    const buildDir = await mkdtemp(join(tmpdir(), "kit-stats-build-"));
    await mkdir(buildDir, { recursive: true });
    await writeFile(publishedFormsPath(buildDir), JSON.stringify(forms));
    const result = await runScript("stats", { STATS_DIR: join(run.dir, "statistiques"), KIT_BUILD_DIR: buildDir, ANSWERS_STORE: "disk" });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("Promesse courte convertit mieux que Promesse détaillée (écart significatif)");
    expect(result.output).toContain(HYPOTHESIS);
    const format = (n: number) => new Intl.NumberFormat("fr-FR").format(n);
    for (const t of Object.values(run.tally)) expect(result.output).toContain(format(t.landing));
  });
});
