// End to end, the sample's second service (« aide-velo »): a form in steps, with a condition, an
// eligibility rule, a commune, prefill from the link, a draft kept across a reload and a printable
// receipt; with JavaScript and without. The real `netlify dev`, Debian's Chromium, axe at each step.
import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiskAnswerStore } from "../lib/answers/store.ts";
import { startNetlifyDev, type DevServer } from "./support/netlify-dev.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SERVICE = "aide-velo";
const FORM = `/${SERVICE}/formulaire/`;
const K = {
  commune: "recQVeloCommune15",
  income: "recQVeloRevenu020",
  bike: "recQVeloType00040",
  children: "recQVeloEnfant050",
  price: "recQVeloPrix00060",
  date: "recQVeloDate00070",
  firstName: "recQVeloPrenom090",
  email: "recQVeloEmail0100",
  consent: "recQVeloAccord110",
} as const;

let server: DevServer;
let browser: Browser;
let answersDir: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (see .ci/run)`);
  answersDir = await mkdtemp(join(tmpdir(), "kit-e2e-steps-answers-"));
  server = await startNetlifyDev({ ANSWERS_DIR: answersDir, STATS_DIR: await mkdtemp(join(tmpdir(), "kit-e2e-steps-stats-")) });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await server?.stop();
});

async function open(path: string, javaScript = true): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ javaScriptEnabled: javaScript, locale: "fr-FR" });
  contexts.push(context);
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

async function expectNoAxeViolations(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`), where).toEqual([]);
}

/** axe needs JavaScript: the page read without it is checked as HTML, the site's scripts blocked. */
async function expectNoAxeViolationsWithoutScripts(html: string, where: string): Promise<void> {
  const context = await browser.newContext({ locale: "fr-FR" });
  contexts.push(context);
  await context.route("**/*.js", (route) => route.abort());
  const page = await context.newPage();
  await page.goto(`${server.url}${FORM}`);
  await page.setContent(html);
  await expectNoAxeViolations(page, where);
}

const field = (page: Page, key: string) => page.locator(`#q-${key}`);
const tick = (page: Page, label: string | RegExp) => page.locator("label.fr-label", { hasText: label }).click();
const stepper = (page: Page) => page.locator("#kit-stepper");
const visibleSteps = (page: Page) => page.locator("[data-kit-step]:visible");

async function storedAnswers() {
  return (await new DiskAnswerStore(answersDir).scan(SERVICE)).answers;
}

describe("a form in steps, with JavaScript", () => {
  it("goes step by step, ends at an ineligible answer, keeps a draft across a reload, and gives a receipt of what was asked", { timeout: 240_000 }, async () => {
    const { page, errors } = await open(`${FORM}?velo=velo%20cargo&commune=Bondy`);

    // Step 1 of 3, the commune prefilled from the link.
    await expect.poll(() => stepper(page).isVisible()).toBe(true);
    expect(await stepper(page).innerText()).toMatch(/Votre situation\s+Étape 1 sur 3\s+Étape suivante : Votre projet/);
    expect(await visibleSteps(page).count()).toBe(1);
    expect(await field(page, K.commune).inputValue()).toBe("Bondy");
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
    const alert = page.locator(`[data-kit-ineligible="${K.income}"] .fr-alert`);
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
    expect(await page.locator(`input[name="${K.bike}"][value="Vélo cargo"]`).isChecked()).toBe(true);
    const children = page.locator(`[data-kit-field="${K.children}"]`);
    expect(await children.isVisible()).toBe(true);
    await tick(page, "Vélo classique");
    await expect.poll(() => children.isVisible()).toBe(false);
    await tick(page, "Vélo cargo");
    await expect.poll(() => children.isVisible()).toBe(true);
    await page.locator(`[data-kit-field="${K.children}"] label.fr-label`, { hasText: "Oui" }).click();
    await field(page, K.price).fill("1 200");
    await field(page, K.date).fill(new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10));
    await expectNoAxeViolations(page, "step 2");

    // A reload keeps what was typed, and the step.
    await page.waitForTimeout(400);
    await page.reload();
    await expect.poll(() => stepper(page).innerText()).toMatch(/Votre projet\s+Étape 2 sur 3/);
    expect(await field(page, K.price).inputValue()).toBe("1 200");
    expect(await page.locator(`input[name="${K.income}"][value="Moins de 15 000 €"]`).isChecked()).toBe(true);
    expect(await children.isVisible()).toBe(true);

    // « Précédent » then « Suivant » twice, and the last step.
    await page.locator("#kit-step-previous").click();
    await expect.poll(() => stepper(page).innerText()).toMatch(/Étape 1 sur 3/);
    await page.locator("#kit-step-next").click();
    await page.locator("#kit-step-next").click();
    await expect.poll(() => stepper(page).innerText()).toMatch(/Vos coordonnées\s+Étape 3 sur 3/);
    await field(page, K.firstName).fill("Camille");
    await field(page, K.email).fill("camille@exemple.fr");
    await tick(page, "J'accepte que mes réponses");
    await expectNoAxeViolations(page, "step 3");
    await page.waitForTimeout(3_200); // a person takes more than 3 s (answers/timing.ts)
    await page.locator("#kit-submit").click();

    // The receipt: a reference and what was answered.
    await page.waitForURL(/\/aide-velo\/merci\/\?/, { timeout: 90_000 });
    const receipt = await page.locator("main").innerText();
    expect(receipt).toMatch(/Référence de votre demande : [0-9A-F]{4}-[0-9A-F]{4}/);
    for (const text of ["Bondy", "Moins de 15 000 €", "Vélo cargo", "Transporterez-vous des enfants ?", "Camille", "camille@exemple.fr"]) expect(receipt).toContain(text);
    await expectNoAxeViolations(page, "receipt");
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(errors).toEqual([]);

    const [answer] = (await storedAnswers()).filter((a) => a.values[K.firstName] === "Camille");
    expect(Object.keys(answer!.values).sort()).toEqual([K.commune, K.income, K.bike, K.children, K.price, K.date, K.firstName, K.email, K.consent].sort());
    expect(answer).not.toHaveProperty("ineligible");
  });

  it("the receipt cannot be reached without a submission", async () => {
    const { page } = await open(`/${SERVICE}/merci/`);
    expect(await page.locator("main").innerText()).not.toContain("Référence de votre demande");
  });
});

describe("the same form without JavaScript", () => {
  it("is one page with its sections; an ineligible answer is kept with what was asked up to it, and the receipt says what to do instead", { timeout: 120_000 }, async () => {
    const { page } = await open(FORM, false);
    expect(await stepper(page).isVisible()).toBe(false);
    expect(await visibleSteps(page).count()).toBe(3);
    for (const title of ["Votre situation", "Votre projet", "Vos coordonnées"]) {
      expect(await page.locator("h2.kit-section__title", { hasText: title }).isVisible()).toBe(true);
    }
    expect(await page.locator(`[data-kit-field="${K.children}"] .kit-condition`).innerText()).toContain("Si vous avez répondu « Vélo cargo »");
    expect(await page.locator(`[data-kit-ineligible="${K.income}"]`).innerText()).toContain("Si vous répondez « Plus de 25 000 € », vous n'êtes pas éligible");
    await expectNoAxeViolationsWithoutScripts(await page.content(), "form without JavaScript");

    await field(page, K.commune).fill("Bondy");
    await tick(page, "Plus de 25 000 €");
    await field(page, K.firstName).fill("Dominique-sans-JS");
    await page.locator("#kit-submit").click();
    await page.waitForURL(/\/aide-velo\/merci\/\?/, { timeout: 90_000 });
    const receipt = await page.locator("main").innerText();
    expect(receipt).toContain("vous n'êtes pas éligible");
    expect(receipt).toContain("bonus vélo de l'État");
    expect(receipt).not.toContain("Dominique-sans-JS"); // asked after the end of the form: not kept
    await expectNoAxeViolationsWithoutScripts(await page.content(), "receipt without JavaScript");

    const answers = (await storedAnswers()).filter((a) => a.values[K.income] === "Plus de 25 000 €");
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ ineligible: { question: K.income } });
    expect(Object.keys(answers[0]!.values).sort()).toEqual([K.commune, K.income].sort());
  });
});
