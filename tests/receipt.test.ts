// The citizen's receipt (issue 11, item 7): the submit handler's 303 followed to the receipt
// handler, both in-process, on a real disk store in a temporary folder and the real build output.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { NO_SCRIPT_WINDOW_MS, type Answer } from "../lib/answers/answer.ts";
import { answerReference, createReceiptHandler, RECEIPT_HEADERS } from "../lib/answers/receipt.ts";
import { issueReceiptToken, readReceiptToken, RECEIPT_LIFETIME_MS } from "../lib/answers/receipt-token.ts";
import { DiskAnswerStore, type AnswerStore } from "../lib/answers/store.ts";
import { createSubmitHandler } from "../lib/answers/submit.ts";
import { readPublishedForms, type PublishedForms } from "../lib/forms/published.ts";
import { SECURITY_HEADERS } from "../lib/site/headers.ts";
import { SAMPLE_FORM, SAMPLE_KEYS, validSubmission, VELO_FORM, VELO_KEYS } from "./support/sample.ts";

const ORIGIN = "http://localhost:8888";
const NOW = Date.parse("2026-11-29T10:00:00Z"); // 11 h 00 in Paris
const VELO = VELO_FORM;

let forms: PublishedForms;
beforeAll(async () => {
  forms = await readPublishedForms();
});

async function setup(options: { store?: AnswerStore } = {}) {
  const disk = new DiskAnswerStore(await mkdtemp(join(tmpdir(), "kit-receipt-")));
  const clock = { now: NOW };
  const store = options.store ?? disk;
  const submit = createSubmitHandler({ forms, store, now: () => clock.now });
  const receipt = createReceiptHandler({ forms, store, now: () => clock.now });
  /** Sends the form as a browser without JavaScript does, and follows the 303 to the receipt. */
  const send = async (entries: Array<[string, string]>, slug = SAMPLE_FORM, headers: Record<string, string> = {}) => {
    const response = await submit(
      new Request(`${ORIGIN}/api/submit/${slug}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html", ...headers },
        body: new URLSearchParams(entries).toString(),
      }),
    );
    expect(response.status).toBe(303);
    const location = response.headers.get("location") ?? "";
    return { location, page: await receipt(new Request(`${ORIGIN}${location}`)) };
  };
  return { disk, clock, submit, receipt, send };
}

const tokenOf = (location: string) => new URL(location, ORIGIN).searchParams.get("recu") ?? "";
const idOf = (location: string) => tokenOf(location).split(".")[0] ?? "";
/** The page's text between the receipt's markers: what the function wrote. */
const content = (html: string) => html.slice(html.indexOf("<!-- kit:receipt -->"), html.indexOf("<!-- /kit:receipt -->"));

/** Answers to the bike form, and to any « Commune » question it asks (a chosen one: name and INSEE code). */
function velo(entries: Partial<Record<keyof typeof VELO_KEYS, string>>): Array<[string, string]> {
  const communes = forms.forms[VELO]!.definition.fields.filter((field) => (field.type as string) === "commune");
  return [
    ...communes.flatMap((field): Array<[string, string]> => [[field.key, "Bondy"], [`${field.key}__id`, "93010"]]),
    ...Object.entries(entries).map(([name, value]): [string, string] => [VELO_KEYS[name as keyof typeof VELO_KEYS], value as string]),
  ];
}

function expectReceiptHeaders(response: Response): void {
  for (const [name, value] of Object.entries(RECEIPT_HEADERS)) expect(response.headers.get(name), name).toBe(value);
  for (const name of ["content-security-policy", "permissions-policy", "x-content-type-options", "strict-transport-security"]) {
    expect(response.headers.get(name), name).toBe(SECURITY_HEADERS[name]);
  }
}

describe("the receipt after a plain POST (JavaScript off)", () => {
  it("follows the 303 to a page with the reference, the date and every answered question, in the form's order", async () => {
    const { disk, send } = await setup();
    const { location, page } = await send(validSubmission());
    expect(location).toMatch(new RegExp(`^/${SAMPLE_FORM}/merci/\\?recu=[a-f0-9]{24}\\.\\d+\\.[A-Za-z0-9_-]{22}$`));
    const [stored] = await disk.list(SAMPLE_FORM);
    expect(idOf(location)).toBe(stored?.id);
    // Sent without JavaScript, it waits in quarantine: the citizen gets their receipt all the same.
    expect(stored?.quarantine).toEqual({ reason: "no-timing" });

    expect(page.status).toBe(200);
    expectReceiptHeaders(page);
    const html = await page.text();
    expect(html).toMatch(/<title>Réponse envoyée – Un conseiller pour rénover votre logement, près de chez vous – Mon conseiller rénovation<\/title>/);
    expect(html).toContain('class="fr-header"'); // the built page around it
    expect(html).toContain('id="pied-de-page"');
    expect(html).not.toContain("form.js");
    const receipt = content(html);
    expect(receipt).toContain("<h1>Merci, votre réponse a bien été envoyée</h1>");
    expect(receipt).toContain('<div class="fr-alert fr-alert--success');
    const reference = answerReference(stored!.id);
    expect(reference).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
    expect(receipt).toContain(`Référence de votre demande : <span class="kit-reference">${reference}</span>`);
    expect(receipt).toContain("le 29 novembre 2026 à 11 h 00 (heure de Paris)");

    const rows = [...receipt.matchAll(/<tr><th scope="row">([^<]*)<\/th><td class="kit-receipt__value">([^<]*)<\/td><\/tr>/g)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual([
      ["Prénom", "Camille"],
      ["Nom", "Dupont"],
      ["Adresse e-mail", "camille.dupont@exemple.fr"],
      ["Numéro de téléphone", "0612345678"],
      ["Adresse du logement", "55 Rue Baudin 93140 Bondy"],
      ["Type de logement", "Maison individuelle"],
      ["Année de construction", "De 1948 à 1974"],
      ["Nombre de personnes dans le foyer", "3"],
      ["Travaux envisagés", "Isolation ; Chauffage"],
      ["Date souhaitée pour un premier rendez-vous", "15/03/2027"],
      ["Votre projet en quelques mots", "=1+1 Des fenêtres qui laissent passer le froid."],
      ["J&#39;accepte qu&#39;un conseiller me contacte au sujet de ma demande.", "Oui"],
    ]);
    // The service's message, how to keep the page, the way back (not printed).
    expect(receipt).toContain("<p>Un conseiller vous contactera sous 5 jours ouvrés.</p>");
    expect(receipt).toContain("imprimez cette page ou enregistrez-la en PDF");
    expect(receipt).toContain('<p class="fr-no-print"><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/conseil-renovation/">');
    expect(receipt).not.toContain("pas éligible");
  });

  it("escapes what the citizen typed", async () => {
    const { send } = await setup();
    const entries = validSubmission().map(([k, v]): [string, string] => [k, k === SAMPLE_KEYS.project ? '<script>alert("x")</script>\nDeuxième ligne' : v]);
    const html = content(await (await send(entries)).page.text());
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;\nDeuxième ligne");
  });

  it("leaves out a question the answers did not ask, groups by section, writes euros", async () => {
    const { send } = await setup();
    // « Transporterez-vous des enfants ? » is only for a cargo bike: sent anyway, it is not kept, nor shown.
    const { page } = await send(
      velo({ income: "Moins de 15 000 €", bike: "Vélo classique", children: "Oui", price: "800", firstName: "Lou", email: "lou@exemple.fr", consent: "oui" }),
      VELO,
    );
    expect(page.status).toBe(200);
    const html = content(await page.text());
    expect(html).not.toContain("Transporterez-vous des enfants");
    expect(html).not.toContain("Date d&#39;achat prévue"); // optional, left empty
    expect(html).not.toContain("Avant de commencer"); // an explanation asks nothing
    expect([...html.matchAll(/<caption>([^<]*)<\/caption>/g)].map((m) => m[1])).toEqual(["Votre situation", "Votre projet", "Vos coordonnées"]);
    expect(html).toContain('<th scope="row">Prix d&#39;achat prévu</th><td class="kit-receipt__value">800,00 €</td>');
    expect(html).toContain("<p>Nous étudions votre demande et vous répondons par e-mail sous 10 jours.</p>");
  });

  it("says plainly when the answers end as not eligible, with the question's message, and still shows them", async () => {
    const { disk, send } = await setup();
    const { page } = await send(velo({ income: "Plus de 25 000 €" }), VELO);
    const [stored] = await disk.list(VELO);
    expect(stored?.ineligible).toEqual({ question: VELO_KEYS.income });
    expect(page.status).toBe(200);
    const html = content(await page.text());
    expect(html).toContain('<div class="fr-alert fr-alert--warning fr-mb-4w">');
    expect(html).not.toContain("fr-alert--error");
    expect(html).toContain("<p>D'après votre réponse à « Revenu fiscal de référence par part de votre foyer », vous n'êtes pas éligible à ce service.</p>");
    expect(html).toContain("<p>Cette aide est réservée aux foyers dont le revenu fiscal de référence par part est inférieur à 25 000 €.</p>");
    expect(html).toContain('<a href="https://www.service-public.fr/particuliers/vosdroits/F36828"');
    expect(html).toContain('<th scope="row">Revenu fiscal de référence par part de votre foyer</th><td class="kit-receipt__value">Plus de 25 000 €</td>');
    // The service's promise is not for whom it cannot help.
    expect(html).not.toContain("Nous étudions votre demande");
  });

  it("without a message for it, says so in a general sentence", async () => {
    const { receipt, disk } = await setup();
    const id = "0123456789abcdef01234567";
    const answer: Answer = { id, form: SAMPLE_FORM, submittedAt: new Date(NOW).toISOString(), source: "web", values: { [SAMPLE_KEYS.firstName]: "Camille" }, ineligible: { question: SAMPLE_KEYS.housing } };
    await disk.put(answer);
    const page = await receipt(new Request(`${ORIGIN}/${SAMPLE_FORM}/merci/?recu=${issueReceiptToken(forms.signingKey!, SAMPLE_FORM, id, NOW)}`));
    const html = content(await page.text());
    expect(html).toContain("D'après votre réponse à « Type de logement », vous n'êtes pas éligible à ce service.");
    expect(html).toContain("Ce service ne peut donc pas vous aider pour le moment.");
    expect(html).toContain('<td class="kit-receipt__value">Camille</td>');
  });

  it("gives fetch the same address in its JSON", async () => {
    const { submit, receipt } = await setup();
    const body = { ...Object.fromEntries(validSubmission().filter(([k]) => k !== SAMPLE_KEYS.works)), [SAMPLE_KEYS.works]: ["Isolation"], [SAMPLE_KEYS.consent]: true };
    const response = await submit(new Request(`${ORIGIN}/api/submit/${SAMPLE_FORM}`, { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify(body) }));
    expect(response.status).toBe(201);
    const { id, confirmation } = (await response.json()) as { id: string; confirmation: string };
    expect(idOf(confirmation)).toBe(id);
    const page = await receipt(new Request(`${ORIGIN}${confirmation}`));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(answerReference(id));
  });

  it("a re-send across the time window gets the receipt of the answer first stored", async () => {
    const { disk, clock, send } = await setup();
    const client = { "x-nf-client-connection-ip": "203.0.113.7", "user-agent": "Firefox" };
    const first = await send(validSubmission(), SAMPLE_FORM, client);
    clock.now += NO_SCRIPT_WINDOW_MS;
    const again = await send(validSubmission(), SAMPLE_FORM, client);
    expect(await disk.list(SAMPLE_FORM)).toHaveLength(1);
    expect(idOf(again.location)).toBe(idOf(first.location));
    expect(await again.page.text()).toContain('<td class="kit-receipt__value">Camille</td>');
  });
});

describe("a filled honeypot (a bot)", () => {
  it("gets a receipt like a person's whose answer is gone: a reference, no answers, no error", async () => {
    const { disk, send } = await setup();
    const bot = await send([...validSubmission(), ["site_web", "http://spam.example"]]);
    expect(await disk.list(SAMPLE_FORM)).toEqual([]);
    expect(bot.page.status).toBe(200);
    const botHtml = await bot.page.text();
    expect(botHtml).toContain(answerReference(idOf(bot.location)));
    expect(botHtml).toContain("Le récapitulatif de vos réponses n'est plus disponible.");
    expect(botHtml).not.toContain("Camille");

    // A person whose answer was since deleted reads the very same page, but for the reference.
    const person = await send(validSubmission(), SAMPLE_FORM, { "x-nf-client-connection-ip": "198.51.100.20" });
    await disk.delete(SAMPLE_FORM, idOf(person.location));
    const personHtml = await (await setup()).receipt(new Request(`${ORIGIN}${person.location}`)).then((r) => r.text());
    const anonymous = (html: string, location: string) => html.replace(answerReference(idOf(location)), "XXXX-XXXX");
    expect(anonymous(botHtml, bot.location)).toBe(anonymous(personHtml, person.location));
  });
});

describe("no receipt to show", () => {
  it("without a token: the page says so and links the form (200)", async () => {
    const { receipt } = await setup();
    for (const path of [`/${SAMPLE_FORM}/merci/`, `/${SAMPLE_FORM}/merci`, `/${SAMPLE_FORM}/merci/?recu=`]) {
      const page = await receipt(new Request(`${ORIGIN}${path}`));
      expect(page.status, path).toBe(200);
      expectReceiptHeaders(page);
      const html = await page.text();
      expect(html).toContain("<title>Aucun récapitulatif à afficher – Un conseiller pour rénover");
      expect(html).toContain("<h1>Aucun récapitulatif à afficher</h1>");
      expect(html).toContain(`href="/${SAMPLE_FORM}/formulaire/"`);
      expect(html).not.toContain("Merci, votre réponse a bien été envoyée");
    }
  });

  it("the static page says the same, if ever served", async () => {
    const { readFile } = await import("node:fs/promises");
    const html = await readFile(`_site/${SAMPLE_FORM}/merci/index.html`, "utf8");
    expect(html).toContain("<h1>Aucun récapitulatif à afficher</h1>");
    expect(html).toContain(`href="/${SAMPLE_FORM}/formulaire/"`);
    expect(html).not.toContain("bien été envoyée");
  });

  it("a tampered token, another form's, or any garbage: 404, nothing shown, never a 5xx", async () => {
    const { send, receipt } = await setup();
    const { location } = await send(validSubmission());
    const token = tokenOf(location);
    const [id, expires, signature] = token.split(".") as [string, string, string];
    const flip = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);
    const otherId = `${id.slice(0, -1)}${id.endsWith("0") ? "1" : "0"}`;
    const bad = [
      `${id}.${expires}.${flip(signature)}`,
      `${otherId}.${expires}.${signature}`,
      `${id}.${Number(expires) + 3600}.${signature}`, // a longer life, unsigned
      issueReceiptToken("not-the-build-key", SAMPLE_FORM, id, NOW),
      issueReceiptToken(forms.signingKey!, VELO, id, NOW), // signed for another form
      "x",
      "../../etc/passwd",
      `${id}.${expires}`,
      `${token}.${signature}`,
      `${id.toUpperCase()}.${expires}.${signature}`,
      "%00",
      "a".repeat(5000),
    ];
    for (const t of bad) {
      const page = await receipt(new Request(`${ORIGIN}/${SAMPLE_FORM}/merci/?recu=${encodeURIComponent(t)}`));
      expect(page.status, t).toBe(404);
      expectReceiptHeaders(page);
      const html = await page.text();
      expect(html).toContain("<h1>Aucun récapitulatif à afficher</h1>");
      expect(html).not.toContain("Camille");
    }
    // The token of one form on another's page.
    const other = await receipt(new Request(`${ORIGIN}/${VELO}/merci/?recu=${token}`));
    expect(other.status).toBe(404);
  });

  it("an expired token: 410, the reference, not the answers", async () => {
    const { clock, send, receipt } = await setup();
    const { location } = await send(validSubmission());
    clock.now = NOW + RECEIPT_LIFETIME_MS - 1000;
    expect((await receipt(new Request(`${ORIGIN}${location}`))).status).toBe(200);
    clock.now = NOW + RECEIPT_LIFETIME_MS;
    const page = await receipt(new Request(`${ORIGIN}${location}`));
    expect(page.status).toBe(410);
    expectReceiptHeaders(page);
    const html = await page.text();
    expect(html).toContain("<title>Ce récapitulatif n&#39;est plus disponible – ");
    expect(html).toContain("ne reste affiché que 2 heures");
    expect(html).toContain(answerReference(idOf(location)));
    expect(html).not.toContain("Camille");
  });

  it("an unknown or unpublished service: the site's 404 page", async () => {
    const { receipt, send } = await setup();
    const token = tokenOf((await send(validSubmission())).location);
    for (const slug of ["nope", "aide-demenagement", "__proto__", "constructor", "Conseil-Renovation"]) {
      const page = await receipt(new Request(`${ORIGIN}/${slug}/merci/?recu=${token}`));
      expect(page.status, slug).toBe(404);
      expectReceiptHeaders(page);
      expect(await page.text()).toContain("Page non trouvée");
    }
  });

  it("a store that fails: 503 with the reference, not a crash", async () => {
    const failing: Pick<AnswerStore, "get"> = { get: () => Promise.reject(new Error("Blobs down")) };
    const receipt = createReceiptHandler({ forms, store: failing, now: () => NOW });
    const id = "0123456789abcdef01234567";
    const page = await receipt(new Request(`${ORIGIN}/${SAMPLE_FORM}/merci/?recu=${issueReceiptToken(forms.signingKey!, SAMPLE_FORM, id, NOW)}`));
    expect(page.status).toBe(503);
    expect(page.headers.get("retry-after")).toBe("10");
    expectReceiptHeaders(page);
    expect(await page.text()).toContain("0123-4567");
  });
});

describe("methods", () => {
  it("HEAD: the headers without the body; anything but GET and HEAD: 405", async () => {
    const { receipt, send } = await setup();
    const { location } = await send(validSubmission());
    const head = await receipt(new Request(`${ORIGIN}${location}`, { method: "HEAD" }));
    expect(head.status).toBe(200);
    expectReceiptHeaders(head);
    expect(await head.text()).toBe("");
    for (const method of ["POST", "PUT", "DELETE"]) {
      const page = await receipt(new Request(`${ORIGIN}${location}`, { method, body: "x" }));
      expect(page.status, method).toBe(405);
      expect(page.headers.get("allow")).toBe("GET, HEAD");
      expectReceiptHeaders(page);
      expect(await page.text()).not.toContain("Camille");
    }
  });
});

describe("receipt tokens", () => {
  const KEY = "k".repeat(64);
  const ID = "0123456789abcdef01234567";
  it("name an answer of a form until they expire, and only with the key that signed them", () => {
    const token = issueReceiptToken(KEY, SAMPLE_FORM, ID, NOW);
    expect(readReceiptToken(KEY, SAMPLE_FORM, token, NOW)).toEqual({ ok: true, id: ID, expiresAt: NOW + RECEIPT_LIFETIME_MS });
    expect(readReceiptToken(KEY, SAMPLE_FORM, token, NOW + RECEIPT_LIFETIME_MS)).toEqual({ ok: false, reason: "expired", id: ID });
    expect(readReceiptToken(KEY, VELO, token, NOW)).toEqual({ ok: false, reason: "invalid" });
    expect(readReceiptToken("other", SAMPLE_FORM, token, NOW)).toEqual({ ok: false, reason: "invalid" });
    expect(readReceiptToken(KEY, SAMPLE_FORM, null, NOW)).toEqual({ ok: false, reason: "missing" });
    expect(() => issueReceiptToken(KEY, SAMPLE_FORM, "../x", NOW)).toThrow();
  });
});
