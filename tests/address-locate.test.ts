// « Utiliser ma position » in Chromium, with a fake position: the built form page, served as it is
// (the site's security headers, Permissions-Policy included), its functions answered by the test
// (the reverse search's contract: GeoCodeJSON, features[0].properties.label and .id).
import type { BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveStaticSite, type StaticSite } from "../lib/site/static-site.ts";
import { BrowserSession, expectNoAxeViolations, field } from "./support/browser.ts";
import { SAMPLE_FORM, SAMPLE_KEYS } from "./support/sample.ts";

const FORM = `/${SAMPLE_FORM}/formulaire/`;

let site: StaticSite;
let session: BrowserSession;
beforeAll(async () => {
  site = await serveStaticSite({ dir: "_site" });
  session = await BrowserSession.start(site.url);
});
afterAll(async () => {
  await session?.close();
  await site?.close();
});

const BONDY = { latitude: 48.9021, longitude: 2.4843 };
const FOUND = { type: "FeatureCollection", features: [{ type: "Feature", geometry: { type: "Point", coordinates: [2.4843, 48.9021] }, properties: { label: "55 Rue Baudin 93140 Bondy", id: "93010_0620_00055", eligible: true } }] };

/** The form page in a context of its own, the functions answered here; `reverse` gets the reverse search's query. */
async function open(options: BrowserContextOptions, answer: unknown = FOUND, reverse: URLSearchParams[] = []): Promise<Page & { errors: string[] }> {
  const context = await session.browser.newContext({ locale: "fr-FR", ...options });
  // The other functions (the page's counting) answer 204, as the site's server has them (lib/site/static-site.ts).
  await context.route("**/api/submit/**", (route) => route.fulfill({ json: { token: "jeton" } }));
  await context.route("**/api/address/reverse/**", (route) => {
    reverse.push(new URL(route.request().url()).searchParams);
    return route.fulfill({ json: answer });
  });
  const page = await context.newPage();
  // A CSP refusal or a failing script fails the test.
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`${message.text()} ${message.location().url}`);
  });
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${site.url}${FORM}`);
  return Object.assign(page, { errors });
}

const button = (page: Page) => page.getByRole("button", { name: "Utiliser ma position" });
const status = (page: Page) => page.locator(`[data-kit-field="${SAMPLE_KEYS.address}"] [aria-live="polite"][aria-atomic="true"]`);

describe("« Utiliser ma position »", () => {
  it("fills the address as if chosen in the list, says so, and keeps the focus on the button", async () => {
    const asked: URLSearchParams[] = [];
    const page = await open({ permissions: ["geolocation"], geolocation: BONDY }, FOUND, asked);
    await button(page).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => field(page, SAMPLE_KEYS.address).inputValue()).toBe("55 Rue Baudin 93140 Bondy");
    expect(await page.locator(`input[name="${SAMPLE_KEYS.address}__id"]`).inputValue()).toBe("93010_0620_00055");
    const said = "Adresse trouvée à votre position : 55 Rue Baudin 93140 Bondy. Vérifiez-la avant d'envoyer.";
    expect(await status(page).textContent()).toBe(said);
    expect(await page.getByText(said, { exact: true }).first().isVisible()).toBe(true);
    expect(await button(page).evaluate((element) => element === document.activeElement)).toBe(true);
    expect(Object.fromEntries(asked[0]!)).toEqual({ lat: "48.902100", lon: "2.484300", limit: "1" });
    await expectNoAxeViolations(page);
    expect(page.errors).toEqual([]);
  });

  it("says so when the position is refused", async () => {
    const page = await open({});
    await button(page).click();
    await expect.poll(() => status(page).textContent()).toContain("pas autorisé");
    expect(await field(page, SAMPLE_KEYS.address).inputValue()).toBe("");
  });

  it("says so when no address is found there", async () => {
    const page = await open({ permissions: ["geolocation"], geolocation: BONDY }, { type: "FeatureCollection", features: [] });
    await button(page).click();
    await expect.poll(() => status(page).textContent()).toBe("Aucune adresse trouvée à votre position. Saisissez votre adresse.");
  });

  it("is absent without JavaScript", async () => {
    const page = await open({ javaScriptEnabled: false });
    expect(await page.locator(".kit-locate").count()).toBe(1);
    expect(await button(page).isVisible()).toBe(false);
  });
});
