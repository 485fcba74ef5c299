// What a built page costs a citizen on first visit: its HTML, the stylesheets and scripts it links,
// the fonts it preloads, as they travel (gzip, level 9, as Netlify's CDN compresses at least as
// well; fonts are woff2, already compressed). The build prints it per page type, the tests hold
// it to the budget, and `npm run bench:pages` compares it with the whole DSFR bundle.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/** The budget of issue « Pages that weigh little »: bytes, gzip. */
export const BUDGET = {
  /** The stylesheets of any page. */
  css: 45_000,
  /** The scripts of a form page (no page needs more). */
  formJs: 40_000,
} as const;

export interface PageWeight {
  html: number;
  css: number;
  js: number;
  fonts: number;
  total: number;
  /** The files linked, from the site's root. */
  files: { css: string[]; js: string[]; fonts: string[] };
}

const ATTRIBUTE = (name: string) => new RegExp(`\\b${name}="([^"]*)"`);

/** The local files a page's HTML links, by kind (external URLs are not the site's weight). */
export function linkedFiles(html: string): PageWeight["files"] {
  const files: PageWeight["files"] = { css: [], js: [], fonts: [] };
  for (const [tag] of html.matchAll(/<(?:link|script)\b[^>]*>/g)) {
    const href = ATTRIBUTE("href").exec(tag)?.[1];
    const src = ATTRIBUTE("src").exec(tag)?.[1];
    if (tag.startsWith("<script") && src?.startsWith("/")) files.js.push(src);
    else if (/\brel="stylesheet"/.test(tag) && href?.startsWith("/")) files.css.push(href);
    else if (/\brel="preload"/.test(tag) && /\bas="font"/.test(tag) && href?.startsWith("/")) files.fonts.push(href);
  }
  return files;
}

export const gzipSize = (bytes: Uint8Array | string): number => gzipSync(bytes, { level: 9 }).length;

/**
 * The weights of the pages at `files` (HTML files of `siteDir`), in order. The files they share
 * (the stylesheet, a script) are read and compressed once.
 */
export async function pageWeights(siteDir: string, files: string[]): Promise<PageWeight[]> {
  const sizes = new Map<string, Promise<number>>();
  const sizeOf = (path: string, compress: boolean): Promise<number> => {
    let size = sizes.get(path);
    if (!size) {
      size = readFile(join(siteDir, path.split("?")[0] as string)).then((bytes) => (compress ? gzipSize(bytes) : bytes.length));
      sizes.set(path, size);
    }
    return size;
  };
  const sum = async (paths: string[], compress: boolean) => (await Promise.all(paths.map((path) => sizeOf(path, compress)))).reduce((a, b) => a + b, 0);
  return Promise.all(
    files.map(async (file) => {
      const html = await readFile(join(siteDir, file), "utf8");
      const linked = linkedFiles(html);
      const weight = { html: gzipSize(html), css: await sum(linked.css, true), js: await sum(linked.js, true), fonts: await sum(linked.fonts, false) };
      return { ...weight, total: weight.html + weight.css + weight.js + weight.fonts, files: linked };
    }),
  );
}

export const kilobytes = (bytes: number): string => `${(bytes / 1000).toFixed(1).replace(".", ",")} Ko`;
