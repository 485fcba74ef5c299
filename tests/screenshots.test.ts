// npm run screenshots: a PNG per page type (lib/forms/page-types.ts) and width, the form sent empty
// at 375 px, and the page listing them, from the built site.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { pageTypes } from "../lib/forms/page-types.ts";
import { readPublishedForms } from "../lib/forms/published.ts";
import { CAPTURE_WIDTHS } from "../lib/site/screenshots.ts";
import { CHROMIUM } from "./support/browser.ts";
import { runScript } from "./support/build.ts";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's first chunk, which the format requires to be IHDR. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE), "PNG signature").toBe(true);
  expect(png.toString("latin1", 12, 16)).toBe("IHDR");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const out = await mkdtemp(join(tmpdir(), "kit-captures-"));
afterAll(() => rm(out, { recursive: true, force: true }));

it("writes a full-page PNG per page type and width, the form's errors, and their index", async () => {
  const pages = await pageTypes(await readPublishedForms(), "_site");
  const run = await runScript("screenshots", {}, ["--out", out, "--chromium", CHROMIUM]);
  expect(run.code, run.output).toBe(0);

  const expected = new Map<string, number>(pages.flatMap((page) => CAPTURE_WIDTHS.map((width) => [`${page.type}-${width}.png`, width] as const)));
  expected.set("form-errors-375.png", 375);
  expect((await readdir(out)).sort()).toEqual([...expected.keys(), "index.html"].sort());

  for (const [file, width] of expected) {
    const size = pngSize(await readFile(join(out, file)));
    expect(size.width, file).toBe(width);
    // The whole page, not only the 800 px window: on a phone, header, content and footer never fit in it.
    if (width === 375) expect(size.height, file).toBeGreaterThan(800);
    else expect(size.height, file).toBeGreaterThanOrEqual(800);
    expect(run.output).toContain(join(out, file));
  }
  // The form sent empty shows its errors, which make it longer than the form untouched.
  const form = pngSize(await readFile(join(out, "form-375.png")));
  const errors = pngSize(await readFile(join(out, "form-errors-375.png")));
  expect(errors.height).toBeGreaterThan(form.height);

  const index = await readFile(join(out, "index.html"), "utf8");
  for (const file of expected.keys()) expect(index).toContain(`src="${file}"`);
  for (const page of pages) expect(index).toContain(page.label);
  // Nothing went wrong in the pages (a CSP refusal, a failing script).
  expect(run.output).not.toContain("erreur dans la page");
});
