import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createSubmitHandler } from "../lib/answers/submit.ts";
import { DiskAnswerStore, type AnswerStore } from "../lib/answers/store.ts";
import { readPublishedForms, type PublishedForms } from "../lib/forms/published.ts";
import { SAMPLE_FORM, SAMPLE_KEYS, validSubmission } from "./support/sample.ts";
import { NO_SCRIPT_WINDOW_MS } from "../lib/answers/answer.ts";

const URL_ = `http://localhost:8888/api/submit/${SAMPLE_FORM}`;
const NOW = Date.parse("2026-11-29T10:00:00Z");

let forms: PublishedForms;
beforeAll(async () => {
  forms = await readPublishedForms();
});

async function setup(store?: AnswerStore) {
  const disk = new DiskAnswerStore(await mkdtemp(join(tmpdir(), "kit-submit-")));
  const handler = createSubmitHandler({ forms, store: store ?? disk, now: () => NOW });
  return { handler, store: disk };
}

const form = (entries: Array<[string, string]>, url = URL_, headers: Record<string, string> = {}) =>
  new Request(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html", ...headers },
    body: new URLSearchParams(entries).toString(),
  });

const json = (body: unknown) =>
  new Request(URL_, { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify(body) });

describe("POST /api/submit/<form>", () => {
  it("stores a valid plain POST and redirects (303) to its receipt", async () => {
    const { handler, store } = await setup();
    const response = await handler(form(validSubmission()));
    expect(response.status).toBe(303);
    const [stored, ...rest] = await store.list();
    // The confirmation page, with a token naming the answer (tests/receipt.test.ts follows it).
    expect(response.headers.get("location")).toMatch(new RegExp(`^/${SAMPLE_FORM}/merci/\\?recu=${stored?.id}\\.\\d+\\.[A-Za-z0-9_-]{22}$`));
    expect(rest).toEqual([]);
    expect(stored).toMatchObject({
      form: SAMPLE_FORM,
      submittedAt: "2026-11-29T10:00:00.000Z",
      source: "web",
      values: {
        [SAMPLE_KEYS.firstName]: "Camille",
        [SAMPLE_KEYS.phone]: "0612345678",
        [SAMPLE_KEYS.address]: { label: "55 Rue Baudin 93140 Bondy", id: "93010_0620_00055" },
        [SAMPLE_KEYS.household]: 3,
        [SAMPLE_KEYS.works]: ["Isolation", "Chauffage"],
        [SAMPLE_KEYS.consent]: true,
      },
    });
  });

  it("answers 201 JSON to fetch, with the answer id", async () => {
    const { handler, store } = await setup();
    const body = Object.fromEntries(validSubmission().filter(([k]) => k !== SAMPLE_KEYS.works));
    const response = await handler(json({ ...body, [SAMPLE_KEYS.works]: ["Isolation"], [SAMPLE_KEYS.consent]: true, [SAMPLE_KEYS.household]: 3 }));
    expect(response.status).toBe(201);
    const result = (await response.json()) as { id: string; confirmation: string };
    expect(result.confirmation).toMatch(new RegExp(`^/${SAMPLE_FORM}/merci/\\?recu=${result.id}\\.`));
    expect((await store.list()).map((a) => a.id)).toEqual([result.id]);
  });

  it("stores a double submit of the same form instance once", async () => {
    const { handler, store } = await setup();
    const entries = [...validSubmission(), ["_instance", "6b1f4f4e-8a53-4c1e-b1a0-0d9d7c3e2f10"]] as Array<[string, string]>;
    const responses = await Promise.all([handler(form(entries)), handler(form(entries)), handler(form(entries))]);
    expect(responses.map((r) => r.status)).toEqual([303, 303, 303]);
    expect(await store.list()).toHaveLength(1);
  });

  it("without JavaScript, stores a re-sent identical form once, even across a time window", async () => {
    let now = NOW;
    const store = new DiskAnswerStore(await mkdtemp(join(tmpdir(), "kit-submit-")));
    const handler = createSubmitHandler({ forms, store, now: () => now });
    const client = { "x-nf-client-connection-ip": "203.0.113.7", "user-agent": "Firefox" };
    await handler(form(validSubmission(), URL_, client));
    await handler(form(validSubmission(), URL_, client));
    now += NO_SCRIPT_WINDOW_MS; // the next window: still the same answer
    await handler(form(validSubmission(), URL_, client));
    expect(await store.list()).toHaveLength(1);
  });

  it("without JavaScript, keeps identical answers from two citizens", async () => {
    const { handler, store } = await setup();
    await handler(form(validSubmission(), URL_, { "x-nf-client-connection-ip": "203.0.113.7" }));
    await handler(form(validSubmission(), URL_, { "x-nf-client-connection-ip": "198.51.100.20" }));
    expect(await store.list()).toHaveLength(2);
  });

  it("does not take a field named like an Object method for something else", async () => {
    const { handler, store } = await setup();
    const response = await handler(form([...validSubmission(), ["toString", "1"], ["__proto__", "x"], ["constructor", "y"]]));
    expect(response.status).toBe(303);
    expect(await store.list()).toHaveLength(1);
  });

  it("sets the security headers on the pages it returns", async () => {
    const { handler } = await setup();
    const response = await handler(form([]));
    expect(response.status).toBe(422);
    expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("answers 422 JSON with a French message per field", async () => {
    const { handler, store } = await setup();
    const response = await handler(json({ [SAMPLE_KEYS.email]: "pas-un-email" }));
    expect(response.status).toBe(422);
    const body = (await response.json()) as { errors: Record<string, string> };
    expect(body.errors[SAMPLE_KEYS.email]).toBe("Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.");
    expect(body.errors[SAMPLE_KEYS.firstName]).toBe("Ce champ est obligatoire : renseignez « Prénom ».");
    expect(body.errors[SAMPLE_KEYS.works]).toBe("Cochez au moins une réponse pour « Travaux envisagés ».");
    expect(body.errors[SAMPLE_KEYS.phone]).toBeUndefined(); // optional
    expect(await store.list()).toEqual([]);
  });

  it("returns the form page with the citizen's values, DSFR errors and a summary (422 HTML)", async () => {
    const { handler, store } = await setup();
    const entries = validSubmission().map(([k, v]): [string, string] => (k === SAMPLE_KEYS.email ? [k, "camille@"] : [k, v]));
    const response = await handler(form(entries.filter(([k]) => k !== SAMPLE_KEYS.consent)));
    expect(response.status).toBe(422);
    expect(response.headers.get("content-type")).toContain("text/html");
    const html = await response.text();
    expect(html).toContain("<title>Erreur : 2 champs à corriger – Formulaire");
    expect(html).toContain('<h2 class="fr-alert__title">Le formulaire contient 2 erreurs</h2>');
    expect(html).toContain(`<a href="#q-${SAMPLE_KEYS.email}">Adresse e-mail : Saisissez une adresse e-mail valide`);
    expect(html).toContain('value="camille@"');
    expect(html).toContain('value="Camille"');
    expect(html).toMatch(/value="Isolation" checked/);
    expect(html).toContain("fr-checkbox-group--error");
    // The same page as built: header, footer and scripts are there.
    expect(html).toContain('class="fr-header"');
    expect(html).toContain('id="pied-de-page"');
    expect(html).toContain('src="/assets/form.js"');
    expect(await store.list()).toEqual([]);
  });

  it("refuses an address chosen outside the experiment's territory (Site table: 93010)", async () => {
    const { handler, store } = await setup();
    const entries = validSubmission().map(([k, v]): [string, string] =>
      k === `${SAMPLE_KEYS.address}__id` ? [k, "75111_7312_00021"] : k === SAMPLE_KEYS.address ? [k, "21 Rue Pétion 75011 Paris"] : [k, v],
    );
    const response = await handler(form(entries, URL_, { accept: "application/json" }));
    expect(response.status).toBe(422);
    const body = (await response.json()) as { errors: Record<string, string> };
    expect(body.errors[SAMPLE_KEYS.address]).toBe("Cette adresse est hors du territoire de l'expérimentation : le service n'y est pas encore proposé.");
    expect(await store.list()).toEqual([]);
  });

  it("discards and counts a bot that filled the honeypot, answering as if accepted", async () => {
    const { handler, store } = await setup();
    const response = await handler(form([...validSubmission(), ["site_web", "http://spam.example"]]));
    expect(response.status).toBe(303);
    expect(await store.list()).toEqual([]);
    expect(await store.discarded(SAMPLE_FORM)).toEqual({ honeypot: 1 });
  });

  it.each([
    ["an unknown form", () => form(validSubmission(), "http://localhost/api/submit/nope"), 404],
    ["an unpublished form", () => form(validSubmission(), "http://localhost/api/submit/aide-demenagement"), 404],
    ["a PUT", () => new Request(URL_, { method: "PUT", body: "x" }), 405],
    ["broken JSON", () => new Request(URL_, { method: "POST", headers: { "content-type": "application/json" }, body: "{" }), 400],
    ["a JSON array", () => json([1, 2]), 400],
    ["a nested JSON object", () => json({ [SAMPLE_KEYS.firstName]: { a: 1 } }), 400],
    ["an unknown content type", () => new Request(URL_, { method: "POST", headers: { "content-type": "text/plain" }, body: "x" }), 415],
    ["an oversized body", () => form([[SAMPLE_KEYS.project, "x".repeat(70_000)]]), 413],
    ["invalid UTF-8", () => new Request(URL_, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new Uint8Array([0x61, 0x3d, 0xff, 0xfe]) }), 400],
  ])("answers %s with a clear error and stores nothing", async (_, request, status) => {
    const { handler, store } = await setup();
    const response = await handler(request());
    expect(response.status).toBe(status);
    const text = await response.text();
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    expect(await store.list()).toEqual([]);
  });

  it("answers 503 and gives the citizen's answers back when storage fails", async () => {
    const failing: AnswerStore = new (class extends DiskAnswerStore {
      override put = async (): Promise<never> => {
        throw new Error("disk full");
      };
    })(await mkdtemp(join(tmpdir(), "kit-submit-")));
    const { handler } = await setup(failing);
    const response = await handler(form(validSubmission()));
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("10");
    const html = await response.text();
    expect(html).toContain("Votre réponse n&#39;a pas pu être enregistrée");
    expect(html).toContain('value="camille.dupont@exemple.fr"');
  });
});

describe("the Netlify function", () => {
  it("serves the published forms the build wrote, storing under ANSWERS_DIR", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kit-fn-"));
    process.env.ANSWERS_DIR = dir;
    try {
      const { default: submit } = await import("../functions/submit.ts");
      const response = await submit(form(validSubmission()));
      expect(response.status).toBe(303);
      expect(await new DiskAnswerStore(dir).list()).toHaveLength(1);
    } finally {
      delete process.env.ANSWERS_DIR;
    }
  });
});
