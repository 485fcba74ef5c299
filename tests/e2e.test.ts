// End to end: the built site and functions under the real `netlify dev`, driven by Debian's
// Chromium through playwright-core, with axe checking every page type: the sample's first service
// (a one-page form with an address), then its second (a form in steps, with a condition, an
// eligibility rule, a commune, prefill from the link, a draft kept across a reload, the receipt),
// with JavaScript and without. One netlify dev for all: starting one is the slow part.
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DiskAnswerStore } from "../lib/answers/store.ts";
import { BrowserSession, CITIZEN, expectNoAxeViolations, field, tick } from "./support/browser.ts";
import { startNetlifyDev, type DevServer } from "./support/netlify-dev.ts";
import { SAMPLE_FORM, SAMPLE_KEYS, VELO_FORM, VELO_KEYS } from "./support/sample.ts";

const FORM = `/${SAMPLE_FORM}/formulaire/`;
/** Where an accepted answer leads: its receipt, named by a signed token (lib/answers/receipt-token.ts). */
const RECEIPT = new RegExp(`/${SAMPLE_FORM}/merci/\\?recu=[a-f0-9]{24}\\.`);

let server: DevServer;
let session: BrowserSession;
let answersDir: string;
let statsDir: string;

beforeAll(async () => {
  answersDir = await mkdtemp(join(tmpdir(), "kit-e2e-answers-"));
  statsDir = await mkdtemp(join(tmpdir(), "kit-e2e-stats-"));
  server = await startNetlifyDev({ ANSWERS_DIR: answersDir, STATS_DIR: statsDir });
  session = await BrowserSession.start(server.url);
});

/**
 * netlify dev starts a worker per function call: an address lookup can wait behind the form's
 * token request, and on a loaded machine (load 28 on 2 cores was seen) a call takes tens of seconds.
 */
const SLOW = { timeout: 90_000 };
// A test that waits on several such calls gets the time for them.
vi.setConfig({ testTimeout: 300_000 });

afterAll(async () => {
  await session?.close();
  await server?.stop();
});

const open = (path: string, javaScript = true, userAgent?: string) => session.open(path, javaScript, userAgent);
const expectNoAxeViolationsWithoutScripts = (html: string, where?: string) => session.expectNoAxeViolationsWithoutScripts(html, where);

/**
 * Types a query in the address field until its list opens, and says how many lookups failed.
 * netlify dev gives a function 30 s and starts a worker per call: on a loaded machine a lookup can
 * time out, and the field then says « ne répond pas ». A person would type on (a new search); the
 * test does the same, twice at most.
 */
async function typeUntilListOpens(page: Page, key: string, text: string): Promise<number> {
  await field(page, key).focus();
  await page.keyboard.type(text, { delay: 30 });
  for (let failures = 0; ; failures++) {
    const state = await page.waitForFunction(
      (id) => {
        const input = document.getElementById(id);
        if (input?.getAttribute("aria-expanded") === "true") return "open";
        const status = input?.closest("[data-kit-field]")?.querySelector('[aria-live="polite"].fr-sr-only')?.textContent ?? "";
        return /ne répond pas/.test(status) ? "failed" : false;
      },
      `q-${key}`,
      SLOW,
    );
    if ((await state.jsonValue()) === "open" || failures === 2) return failures;
    await page.keyboard.press("Backspace");
    await page.keyboard.type(text.slice(-1));
  }
}

/** A console error of a lookup that timed out under load (see typeUntilListOpens), when one did. */
const lookupFailure = (error: string) => /Failed to load resource: the server responded with a status of 5\d\d/.test(error);

async function fillAllButAddress(page: Page): Promise<void> {
  const k = SAMPLE_KEYS;
  await field(page, k.firstName).fill("Camille");
  await field(page, k.lastName).fill("Dupont");
  await field(page, k.email).fill("camille.dupont@exemple.fr");
  await field(page, k.phone).fill("06 12 34 56 78");
  await tick(page, "Maison individuelle");
  await field(page, k.year).selectOption("De 1948 à 1974");
  await field(page, k.household).fill("3");
  await tick(page, "Isolation");
  await tick(page, "Chauffage");
  await field(page, k.date).fill("2027-03-15");
  await field(page, k.project).fill("=1+1 Des fenêtres qui laissent passer le froid.");
  await tick(page, /^J'accepte qu'un conseiller me contacte/);
}

/** The server drops submissions sent less than 3 s after the form was shown (bots). */
async function waitLikeAPerson(page: Page): Promise<void> {
  // The server times the filling from when it issued the form's token: wait for the token, then
  // longer than a bot would (3 s).
  await expect.poll(() => page.locator('input[name="_jeton"]').inputValue(), SLOW).not.toBe("");
  await page.waitForTimeout(3500);
}

describe("pages", () => {
  it.each([
    ["home", "/", "Mon conseiller rénovation"],
    ["landing page", `/${SAMPLE_FORM}/detaillee/`, "Un conseiller pour rénover votre logement, près de chez vous"],
    ["landing page, other variant", `/${SAMPLE_FORM}/courte/`, "Rénover votre logement : un conseiller vous rappelle sous 5 jours"],
    ["form", FORM, "Je demande à être rappelé"],
    // Without a receipt token (the receipt function answers there, before the static page).
    ["confirmation", `/${SAMPLE_FORM}/merci/`, "Aucun récapitulatif à afficher"],
    ["legal notice", "/mentions-legales/", "Mentions légales"],
    ["personal data", "/donnees-personnelles/", "Données personnelles"],
    ["accessibility statement", "/accessibilite/", "Déclaration d'accessibilité"],
    ["statistics", "/stats/", "Statistiques"],
  ])("%s: DSFR page in French, no axe violation, no console error", async (_, path, heading) => {
    const { page, errors } = await open(path);
    expect(await page.locator("html").getAttribute("lang")).toBe("fr");
    await expect.poll(() => page.locator("h1").textContent()).toBe(heading);
    expect(await page.locator(".fr-header .fr-logo").innerHTML()).toBe("Ministère<br>de l'Aménagement<br>du territoire");
    expect(await page.locator("footer.fr-footer").count()).toBe(1);
    await expectNoAxeViolations(page);
    expect(errors).toEqual([]);
  });

  it("404: an unknown address gets the DSFR 404 page, with no axe violation", async () => {
    const { page } = await open("/cette-page-n-existe-pas/");
    expect(await page.locator("h1").textContent()).toBe("Page non trouvée");
    await expectNoAxeViolations(page);
  });

  it("static pages and function answers carry the same security headers", async () => {
    const [page, api] = await Promise.all([fetch(`${server.url}/`), fetch(`${server.url}/api/submit/${SAMPLE_FORM}`, { method: "POST" })]);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(api.status).toBe(415);
    expect(api.headers.get("content-security-policy")).toBe(page.headers.get("content-security-policy"));
    // The confirmation page is the receipt function's, not the static file: kept private.
    const receipt = await fetch(`${server.url}/${SAMPLE_FORM}/merci/?recu=x`);
    expect(receipt.status).toBe(404);
    expect(receipt.headers.get("x-robots-tag")).toBe("noindex");
    expect(receipt.headers.get("cache-control")).toBe("private, no-store");
    expect(receipt.headers.get("content-security-policy")).toBe(page.headers.get("content-security-policy"));
  });

  it("the first Tab reaches the skip link, which moves to the content", async () => {
    const { page } = await open(`/${SAMPLE_FORM}/detaillee/`);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Contenu");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("contenu");
  });

  it("the landing page's call to action leads to the variant's form", async () => {
    const { page } = await open(`/${SAMPLE_FORM}/detaillee/`);
    await page.getByRole("link", { name: "Je demande à être rappelé" }).first().click();
    await page.waitForURL(`**/${SAMPLE_FORM}/detaillee/formulaire/`);
    expect(await page.locator('input[name="_variante"]').inputValue()).toBe("detaillee");
  });

  it("the service's main address sends each visitor to one of its active variants, the query kept", async () => {
    const { page } = await open(`/${SAMPLE_FORM}/?utm_source=lettre`, false);
    expect(page.url()).toMatch(new RegExp(`/${SAMPLE_FORM}/(detaillee|courte)/\\?utm_source=lettre$`));
    expect(await page.locator("h1").textContent()).toMatch(/^(Un conseiller pour rénover|Rénover votre logement)/);
  });
});

describe("the form with JavaScript on", () => {
  it("validates inline and announces errors through the DSFR error state", async () => {
    const { page, errors } = await open(FORM);
    const email = field(page, SAMPLE_KEYS.email);
    await email.fill("camille@");
    await email.press("Tab");
    const message = page.locator(`#q-${SAMPLE_KEYS.email}-messages .fr-message--error`);
    await expect.poll(() => message.textContent()).toBe("Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.");
    expect(await email.getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator(`[data-kit-field="${SAMPLE_KEYS.email}"]`).getAttribute("class")).toContain("fr-input-group--error");
    expect(await page.locator(`#q-${SAMPLE_KEYS.email}-messages`).getAttribute("aria-live")).toBe("polite");
    // Fixing it clears the error as the citizen types.
    await email.fill("camille@exemple.fr");
    await expect.poll(() => message.count()).toBe(0);
    expect(await email.getAttribute("aria-invalid")).toBeNull();
    expect(errors).toEqual([]);
  });

  it("on submit with errors, shows and focuses an error summary linking to each field, with no axe violation", async () => {
    const { page } = await open(FORM);
    await page.getByRole("button", { name: "Envoyer mes réponses" }).click();
    const summary = page.locator("#kit-error-summary");
    await expect.poll(() => summary.isVisible()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("kit-error-summary");
    expect(await summary.locator("h2").textContent()).toBe("Le formulaire contient 9 erreurs");
    expect(await page.title()).toMatch(/^Erreur : 9 champs à corriger – /);
    await expectNoAxeViolations(page);
    // A summary link moves focus to its field.
    await summary.getByRole("link", { name: /^Adresse e-mail/ }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(`q-${SAMPLE_KEYS.email}`);
    expect(page.url()).toContain(FORM); // nothing was sent
  });

  it("picks an address with the keyboard in an ARIA combobox, and submits", async () => {
    const { page, errors } = await open(FORM);
    await fillAllButAddress(page);
    const input = field(page, SAMPLE_KEYS.address);
    expect(await input.getAttribute("role")).toBe("combobox");
    expect(await input.getAttribute("aria-expanded")).toBe("false");

    const failedLookups = await typeUntilListOpens(page, SAMPLE_KEYS.address, "55 rue bau");
    const listbox = page.locator(`#q-${SAMPLE_KEYS.address}-listbox`);
    await expect.poll(() => listbox.isVisible(), SLOW).toBe(true);
    expect(await input.getAttribute("aria-expanded")).toBe("true");
    expect(await input.getAttribute("aria-controls")).toBe(`q-${SAMPLE_KEYS.address}-listbox`);
    const status = page.locator(`[data-kit-field="${SAMPLE_KEYS.address}"] [aria-live="polite"].fr-sr-only`);
    await expect.poll(() => status.textContent(), SLOW).toMatch(/^\d+ adresses? proposées?\./);
    await expectNoAxeViolations(page);

    await page.keyboard.press("ArrowDown");
    const active = await input.getAttribute("aria-activedescendant");
    expect(active).toBe(`q-${SAMPLE_KEYS.address}-option-0`);
    expect(await page.locator(`#${active}`).getAttribute("aria-selected")).toBe("true");
    expect(await page.locator(`#${active}`).textContent()).toBe("55 Rue Baudin 93140 Bondy");
    await page.keyboard.press("Enter");

    expect(await input.inputValue()).toBe("55 Rue Baudin 93140 Bondy");
    expect(await input.getAttribute("aria-expanded")).toBe("false");
    expect(await page.locator(`input[name="${SAMPLE_KEYS.address}__id"]`).inputValue()).toBe("93010_0620_00055");
    expect(page.url()).toContain(FORM); // Enter chose the address; it did not submit the form

    await waitLikeAPerson(page);
    await page.getByRole("button", { name: "Envoyer mes réponses" }).click();
    await page.waitForURL(RECEIPT);
    expect(await page.locator("h1").textContent()).toBe("Merci, votre réponse a bien été envoyée");
    expect(await page.locator(".kit-reference").textContent()).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
    await expectNoAxeViolations(page);
    expect(failedLookups > 0 ? errors.filter((error) => !lookupFailure(error)) : errors).toEqual([]);

    const stored = (await new DiskAnswerStore(answersDir).list(SAMPLE_FORM)).find(
      (a) => (a.values[SAMPLE_KEYS.address] as { id?: string } | undefined)?.id === "93010_0620_00055",
    );
    // Sent with JavaScript, after the server's token said 3 s had passed: an answer, not quarantined.
    expect(stored?.quarantine).toBeUndefined();
    expect(stored?.values).toMatchObject({
      [SAMPLE_KEYS.firstName]: "Camille",
      [SAMPLE_KEYS.address]: { label: "55 Rue Baudin 93140 Bondy", id: "93010_0620_00055" },
      [SAMPLE_KEYS.works]: ["Isolation", "Chauffage"],
      [SAMPLE_KEYS.consent]: true,
    });
  });

  it("Escape closes the address list and keeps what was typed", async () => {
    const { page } = await open(FORM);
    const input = field(page, SAMPLE_KEYS.address);
    await typeUntilListOpens(page, SAMPLE_KEYS.address, "allee moli");
    await expect.poll(() => input.getAttribute("aria-expanded"), SLOW).toBe("true");
    await page.keyboard.press("Escape");
    expect(await input.getAttribute("aria-expanded")).toBe("false");
    expect(await input.inputValue()).toBe("allee moli");
  });
});

describe("the form with JavaScript off", () => {
  it("comes back with the values kept and DSFR errors, then stores the corrected answer, which the export contains", async () => {
    const { page } = await open(FORM, false);
    expect(await field(page, SAMPLE_KEYS.address).getAttribute("role")).toBeNull(); // a plain text field
    await fillAllButAddress(page);
    await field(page, SAMPLE_KEYS.address).fill("55 Rue Baudin 93140 Bondy");
    await field(page, SAMPLE_KEYS.lastName).fill("Sans-JavaScript");
    await field(page, SAMPLE_KEYS.phone).fill("12 34"); // passes the browser's checks, not the server's
    await page.getByRole("button", { name: "Envoyer mes réponses" }).click();
    await page.waitForLoadState();

    expect(await page.title()).toMatch(/^Erreur : 1 champ à corriger – Formulaire/);
    expect(await page.locator("#kit-error-summary h2").textContent()).toBe("Le formulaire contient 1 erreur");
    expect(await page.locator(`#q-${SAMPLE_KEYS.phone}-messages`).textContent()).toContain("Saisissez un numéro de téléphone valide");
    expect(await field(page, SAMPLE_KEYS.lastName).inputValue()).toBe("Sans-JavaScript");
    expect(await page.getByLabel("Chauffage").isChecked()).toBe(true);
    expect(await field(page, SAMPLE_KEYS.year).inputValue()).toBe("De 1948 à 1974");
    await expectNoAxeViolationsWithoutScripts(await page.content());

    await field(page, SAMPLE_KEYS.phone).fill("01 23 45 67 89");
    await page.getByRole("button", { name: "Envoyer mes réponses" }).click();
    await page.waitForURL(RECEIPT);
    // The receipt, JavaScript off too: what was sent, to print.
    expect(await page.locator("h1").textContent()).toBe("Merci, votre réponse a bien été envoyée");
    expect(await page.locator(".kit-receipt table").first().textContent()).toContain("Sans-JavaScript");
    await expectNoAxeViolationsWithoutScripts(await page.content());

    const stored = (await new DiskAnswerStore(answersDir).list(SAMPLE_FORM)).filter((a) => a.values[SAMPLE_KEYS.lastName] === "Sans-JavaScript");
    expect(stored).toHaveLength(1);
    // A typed address is looked up on the server: found in the territory, it gets its BAN id and its parts.
    expect(stored[0]!.values[SAMPLE_KEYS.address]).toMatchObject({ label: "55 Rue Baudin 93140 Bondy", id: "93010_0620_00055", citycode: "93010", postcode: "93140", city: "Bondy" });
    // Without JavaScript the server cannot time the filling: the answer waits in quarantine,
    // where answers:review shows it, until a person releases it.
    expect(stored[0]!.quarantine).toEqual({ reason: "no-timing" });
    const review = spawnSync("npm", ["run", "-s", "answers:review", "--", "--release", stored[0]!.id], {
      encoding: "utf8",
      env: { ...process.env, ANSWERS_DIR: answersDir },
    });
    expect(review.status, review.stderr).toBe(0);
    expect(review.stdout).toContain(`${stored[0]!.id} (${SAMPLE_FORM}) : libérée`);

    const out = await mkdtemp(join(tmpdir(), "kit-export-"));
    const run = spawnSync("npm", ["run", "-s", "answers:export", "--", "--out", out], {
      encoding: "utf8",
      env: { ...process.env, ANSWERS_DIR: answersDir },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`reponses-${SAMPLE_FORM}.csv`);
    const csv = await readFile(join(out, `reponses-${SAMPLE_FORM}.csv`), "utf8");
    expect(csv.startsWith("\uFEFFIdentifiant;Envoyée le;Prénom;Nom;")).toBe(true);
    const row = csv.split("\r\n").find((line) => line.includes("Sans-JavaScript"));
    // The address, then its parts as the server found them: postcode, commune, INSEE code, latitude, longitude.
    expect(row).toMatch(/;0123456789;55 Rue Baudin 93140 Bondy;93140;Bondy;93010;48,\d+;2,\d+;Maison individuelle;De 1948 à 1974;3;/);
    expect(row).toContain(";'=1+1 Des fenêtres qui laissent passer le froid.;Oui");
  });
});

describe("measurement, without cookies", () => {
  interface VariantRow {
    slug: string;
    landingViews: number;
    formViews: number;
    starts: number;
    accepted: number;
  }
  const variantRows = async (): Promise<Record<string, VariantRow>> => {
    const report = (await (await fetch(`${server.url}/api/stats`)).json()) as { services: Array<{ slug: string; variants: VariantRow[] }> };
    const service = report.services.find((s) => s.slug === SAMPLE_FORM);
    return Object.fromEntries((service?.variants ?? []).map((v) => [v.slug, v]));
  };

  it("counts a small campaign in Chromium (views with JavaScript on and off, a start, an answer with its variant and source), sets no cookie, and /stats/ shows it", async () => {
    // Three visitors from a letter on the short promise, one on the detailed one, one without JavaScript (counted by an image).
    for (let i = 0; i < 3; i++) await open(`/${SAMPLE_FORM}/courte/?utm_source=lettre&utm_campaign=janvier`, true, CITIZEN);
    await open(`/${SAMPLE_FORM}/detaillee/`, true, CITIZEN);
    await open(`/${SAMPLE_FORM}/courte/?utm_source=affiche`, false, CITIZEN);

    // One more, from the letter, goes on to answer.
    const { page, errors } = await open(`/${SAMPLE_FORM}/courte/?utm_source=lettre`, true, CITIZEN);
    await page.getByRole("link", { name: "Être rappelé" }).first().click();
    await page.waitForURL(`**/${SAMPLE_FORM}/courte/formulaire/?utm_source=lettre`);
    expect(await page.locator('input[name="_variante"]').inputValue()).toBe("courte");
    await expect.poll(() => page.locator('input[name="_source"]').inputValue()).toBe("lettre");
    await fillAllButAddress(page);
    // The address as the list sets it (label and BAN id; the combobox has its own tests): under
    // netlify dev every beacon starts a worker, and waiting for the list, or for the server to look
    // up a typed address in a fresh worker, can outlast the test's patience on a loaded machine.
    await field(page, SAMPLE_KEYS.address).fill("55 Rue Baudin 93140 Bondy");
    await page.locator(`input[name="${SAMPLE_KEYS.address}__id"]`).evaluate((input: HTMLInputElement) => (input.value = "93010_0620_00055"));
    await waitLikeAPerson(page);
    await page.getByRole("button", { name: "Envoyer mes réponses" }).click({ noWaitAfter: true });
    await page.waitForURL(RECEIPT, { timeout: 90_000 });
    expect(errors).toEqual([]);
    // No cookie, nothing kept in the browser.
    expect(await page.context().cookies()).toEqual([]);
    expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);

    const stored = (await new DiskAnswerStore(answersDir).list(SAMPLE_FORM)).find((a) => a.variant === "courte");
    expect(stored?.origin).toEqual({ source: "lettre" });

    // Beacons are sent as the pages go: wait for the last ones.
    await expect.poll(async () => (await variantRows()).courte?.landingViews, SLOW).toBe(5);
    const rows = await variantRows();
    expect(rows.courte).toMatchObject({ landingViews: 5, formViews: 1, starts: 1, accepted: 1 });
    expect(rows.detaillee).toMatchObject({ landingViews: 1, formViews: 0, starts: 0, accepted: 0 });

    const stats = await open("/stats/");
    expect(await stats.page.locator("h1").textContent()).toBe("Statistiques");
    expect(await stats.page.locator("main").textContent()).toContain("Promesse courte");
    await expectNoAxeViolations(stats.page);
    expect(stats.errors).toEqual([]);
    // netlify dev starts a worker for each beacon (about twenty here): minutes on a loaded machine.
  }, 300_000);
});

// The sample's second service: a form in steps, with a condition, an eligibility rule, a commune and a prefilled question.
const VELO = VELO_FORM;
const VELO_FORM_PATH = `/${VELO}/formulaire/`;
const VK = VELO_KEYS;

const stepper = (page: Page) => page.locator("#kit-stepper");
const visibleSteps = (page: Page) => page.locator("[data-kit-step]:visible");

async function veloAnswers() {
  return (await new DiskAnswerStore(answersDir).scan(VELO)).answers;
}

describe("a form in steps, with JavaScript", () => {
  it("goes step by step, ends at an ineligible answer, keeps a draft across a reload, and gives a receipt of what was asked", { timeout: 240_000 }, async () => {
    const { page, errors } = await open(`${VELO_FORM_PATH}?velo=velo%20cargo&commune=Bondy`);

    // Step 1 of 3, the commune prefilled from the link.
    await expect.poll(() => stepper(page).isVisible()).toBe(true);
    expect(await stepper(page).innerText()).toMatch(/Votre situation\s+Étape 1 sur 3\s+Étape suivante : Votre projet/);
    expect(await visibleSteps(page).count()).toBe(1);
    expect(await field(page, VK.commune).inputValue()).toBe("Bondy");
    expect(await page.locator("#kit-submit").isVisible()).toBe(false);
    await expectNoAxeViolations(page, "step 1");

    // « Suivant » checks this step only, and says what is missing.
    await page.locator("#kit-step-next").click();
    const summary = page.locator("#kit-error-summary");
    await expect.poll(() => summary.isVisible()).toBe(true);
    expect(await summary.innerText()).toContain("Revenu fiscal de référence");
    expect(await summary.innerText()).not.toContain("Prix d'achat");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("kit-error-summary");
    await expectNoAxeViolations(page, "step 1 with errors");

    // Not eligible: told at the question; the form ends here and can be sent now.
    await tick(page, "Plus de 25 000 €");
    const alert = page.locator(`[data-kit-ineligible="${VK.income}"] .fr-alert`);
    await expect.poll(() => alert.isVisible()).toBe(true);
    expect(await alert.innerText()).toContain("réservée aux foyers dont le revenu fiscal de référence par part est inférieur à 25 000 €");
    expect(await stepper(page).innerText()).toContain("Étape 1 sur 1");
    expect(await page.locator("#kit-step-next").isVisible()).toBe(false);
    expect(await page.locator("#kit-submit").isVisible()).toBe(true);
    await expectNoAxeViolations(page, "not eligible");

    // Eligible after all: three steps again.
    await tick(page, "Moins de 15 000 €");
    await expect.poll(() => alert.isVisible()).toBe(false);
    await page.locator("#kit-step-next").click();
    await expect.poll(() => stepper(page).innerText()).toMatch(/Votre projet\s+Étape 2 sur 3/);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("kit-stepper-title");
    expect(await page.locator("#kit-error-summary").count()).toBe(0);

    // The bike prefilled from the link; its condition shows the question about children, and hides it again.
    expect(await page.locator(`input[name="${VK.bike}"][value="Vélo cargo"]`).isChecked()).toBe(true);
    const children = page.locator(`[data-kit-field="${VK.children}"]`);
    expect(await children.isVisible()).toBe(true);
    await tick(page, "Vélo classique");
    await expect.poll(() => children.isVisible()).toBe(false);
    await tick(page, "Vélo cargo");
    await expect.poll(() => children.isVisible()).toBe(true);
    await page.locator(`[data-kit-field="${VK.children}"] label.fr-label`, { hasText: "Oui" }).click();
    await field(page, VK.price).fill("1 200");
    await field(page, VK.date).fill(new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10));
    await expectNoAxeViolations(page, "step 2");

    // A reload keeps what was typed, and the step.
    await page.waitForTimeout(400);
    await page.reload();
    await expect.poll(() => stepper(page).innerText()).toMatch(/Votre projet\s+Étape 2 sur 3/);
    expect(await field(page, VK.price).inputValue()).toBe("1 200");
    expect(await page.locator(`input[name="${VK.income}"][value="Moins de 15 000 €"]`).isChecked()).toBe(true);
    expect(await children.isVisible()).toBe(true);

    // « Précédent » then « Suivant » twice, and the last step.
    await page.locator("#kit-step-previous").click();
    await expect.poll(() => stepper(page).innerText()).toMatch(/Étape 1 sur 3/);
    await page.locator("#kit-step-next").click();
    await page.locator("#kit-step-next").click();
    await expect.poll(() => stepper(page).innerText()).toMatch(/Vos coordonnées\s+Étape 3 sur 3/);
    await field(page, VK.firstName).fill("Camille");
    await field(page, VK.email).fill("camille@exemple.fr");
    await tick(page, "J'accepte que mes réponses");
    await expectNoAxeViolations(page, "step 3");
    await waitLikeAPerson(page);
    await page.locator("#kit-submit").click();

    // The receipt: a reference and what was answered.
    await page.waitForURL(/\/aide-velo\/merci\/\?/, { timeout: 90_000 });
    const receipt = await page.locator("main").innerText();
    expect(receipt).toMatch(/Référence de votre demande : [0-9A-F]{4}-[0-9A-F]{4}/);
    for (const text of ["Bondy", "Moins de 15 000 €", "Vélo cargo", "Transporterez-vous des enfants ?", "Camille", "camille@exemple.fr"]) expect(receipt).toContain(text);
    await expectNoAxeViolations(page, "receipt");
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(errors).toEqual([]);

    const [answer] = (await veloAnswers()).filter((a) => a.values[VK.firstName] === "Camille");
    expect(Object.keys(answer!.values).sort()).toEqual([VK.commune, VK.income, VK.bike, VK.children, VK.price, VK.date, VK.firstName, VK.email, VK.consent].sort());
    expect(answer).not.toHaveProperty("ineligible");
  });

  it("the receipt cannot be reached without a submission", async () => {
    const { page } = await open(`/${VELO}/merci/`);
    expect(await page.locator("main").innerText()).not.toContain("Référence de votre demande");
  });
});

describe("the same form without JavaScript", () => {
  it("is one page with its sections; an ineligible answer is kept with what was asked up to it, and the receipt says what to do instead", { timeout: 120_000 }, async () => {
    const { page } = await open(VELO_FORM_PATH, false);
    expect(await stepper(page).isVisible()).toBe(false);
    expect(await visibleSteps(page).count()).toBe(3);
    for (const title of ["Votre situation", "Votre projet", "Vos coordonnées"]) {
      expect(await page.locator("h2.kit-section__title", { hasText: title }).isVisible()).toBe(true);
    }
    expect(await page.locator(`[data-kit-field="${VK.children}"] .kit-condition`).innerText()).toContain("Si vous avez répondu « Vélo cargo »");
    expect(await page.locator(`[data-kit-ineligible="${VK.income}"]`).innerText()).toContain("Si vous répondez « Plus de 25 000 € », vous n'êtes pas éligible");
    await expectNoAxeViolationsWithoutScripts(await page.content(), "form without JavaScript");

    await field(page, VK.commune).fill("Bondy");
    await tick(page, "Plus de 25 000 €");
    await field(page, VK.firstName).fill("Dominique-sans-JS");
    await page.locator("#kit-submit").click();
    await page.waitForURL(/\/aide-velo\/merci\/\?/, { timeout: 90_000 });
    const receipt = await page.locator("main").innerText();
    expect(receipt).toContain("vous n'êtes pas éligible");
    expect(receipt).toContain("bonus vélo de l'État");
    expect(receipt).not.toContain("Dominique-sans-JS"); // asked after the end of the form: not kept
    await expectNoAxeViolationsWithoutScripts(await page.content(), "receipt without JavaScript");

    const answers = (await veloAnswers()).filter((a) => a.values[VK.income] === "Plus de 25 000 €");
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ ineligible: { question: VK.income } });
    expect(Object.keys(answers[0]!.values).sort()).toEqual([VK.commune, VK.income].sort());
  });
});
