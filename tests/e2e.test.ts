// End to end: the built site and functions under the real `netlify dev`, driven by Debian's
// Chromium through playwright-core, with axe checking every page type.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiskAnswerStore } from "../lib/answers/store.ts";
import { startNetlifyDev, type DevServer } from "./support/netlify-dev.ts";
import { SAMPLE_FORM, SAMPLE_KEYS } from "./support/sample.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const FORM = `/${SAMPLE_FORM}/formulaire/`;
/** Where an accepted form leads: its receipt, the confirmation page with a signed token (lib/answers/receipt.ts). */
const RECEIPT = new RegExp(`/${SAMPLE_FORM}/merci/\\?recu=[a-f0-9]{24}\\.`);

let server: DevServer;
let browser: Browser;
let answersDir: string;
let statsDir: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (see .ci/run)`);
  answersDir = await mkdtemp(join(tmpdir(), "kit-e2e-answers-"));
  statsDir = await mkdtemp(join(tmpdir(), "kit-e2e-stats-"));
  server = await startNetlifyDev({ ANSWERS_DIR: answersDir, STATS_DIR: statsDir });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

/** netlify dev starts a worker per function call: an address lookup can wait behind the form's token request. */
const SLOW = { timeout: 30_000 };

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await server?.stop();
});

/** A new page; console errors (a CSP refusal, a failing script) fail the test that reads them. */
/** A browser as citizens have: headless Chromium says so in its user agent, and is not counted. */
const CITIZEN = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";

async function open(path: string, javaScript = true, userAgent?: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ javaScriptEnabled: javaScript, locale: "fr-FR", ...(userAgent ? { userAgent } : {}) });
  contexts.push(context);
  // Fail with Playwright's own explanation before the test's time limit; generous, since netlify dev
  // on a loaded machine (a bench beside the tests) can take seconds to serve a page.
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${server.url}${path}`);
  return { page, errors };
}

async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  expect(summary).toEqual([]);
}

/**
 * axe cannot run in a page with JavaScript disabled: check the same HTML in a page where
 * JavaScript runs for axe but the site's own scripts are blocked (as when they fail to load).
 */
async function expectNoAxeViolationsWithoutScripts(html: string): Promise<void> {
  const context = await browser.newContext({ locale: "fr-FR" });
  contexts.push(context);
  await context.route("**/*.js", (route) => route.abort());
  const page = await context.newPage();
  await page.goto(`${server.url}${FORM}`);
  await page.setContent(html);
  await expectNoAxeViolations(page);
}

const field = (page: Page, key: string) => page.locator(`#q-${key}`);

/** DSFR draws radios and checkboxes over their label: a person clicks the label. */
const tick = (page: Page, label: string | RegExp) => page.locator("label.fr-label", { hasText: label }).click();

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

    await input.focus();
    await page.keyboard.type("55 rue bau", { delay: 30 });
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
    expect(errors).toEqual([]);

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
    await input.focus();
    await page.keyboard.type("allee moli", { delay: 30 });
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
    // A typed address is looked up on the server: found in the territory, it gets its BAN id.
    expect(stored[0]!.values[SAMPLE_KEYS.address]).toEqual({ label: "55 Rue Baudin 93140 Bondy", id: "93010_0620_00055" });
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
    expect(row).toContain(";0123456789;55 Rue Baudin 93140 Bondy;Maison individuelle;De 1948 à 1974;3;");
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
