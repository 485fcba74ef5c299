// The site's stylesheet, assembled at build time from the design system's per-component files:
// the DSFR core, the components whose classes the kit's sources use (in the DSFR's own order), the
// icons they name, then the kit's own rules. Rules that only apply to classes the kit never writes
// are dropped, then the custom properties nothing reads any more, and the fonts' faces no rule
// asks for. The whole DSFR bundle is 91.5 KB gzip; a page uses about a tenth of it.
//
// "Used" is read from the sources (templates, pages, the TypeScript that writes markup, in the
// browser or in the functions), not from the built pages: a class that only appears on an error
// page a function renders is used too. A class built from pieces (`fr-alert--${kind}`) shows in
// the source as its prefix ("fr-alert--"), which keeps every class that starts with it.
import { readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import postcss, { type AtRule, type Root } from "postcss";

export const DSFR_PACKAGE = "node_modules/@gouvfr/dsfr";
/** Where the build publishes the package's dist/ folder (fonts, icons, favicons): URLs point there. */
export const DSFR_PUBLIC_PATH = "/dsfr";

/** Where the site's one stylesheet is published (from the site's root). */
export const SITE_CSS = "assets/site.css";
/**
 * The faces every page shows (body text, the header's bold title), preloaded so text appears in
 * its font at once; the others load when a rule asks for them.
 */
export const PRELOADED_FONTS = ["Marianne-Regular", "Marianne-Bold"].map((name) => `${DSFR_PUBLIC_PATH}/fonts/${name}.woff2`);

/** A DSFR class as written in a source: fr-block__element--modifier, or a prefix ending in "-". */
const CLASS_TOKEN = /fr-[a-z0-9]+(?:-[a-z0-9]+)*(?:__[a-z0-9-]+)?(?:--[a-z0-9-]*)?-?/g;
const CLASS_IN_SELECTOR = /\.(fr-[\w-]+)/g;

export interface UsedClasses {
  names: Set<string>;
  /** Tokens ending in "-": a class built from pieces keeps every class they start. */
  prefixes: string[];
}

export function usedClasses(sources: Iterable<string>): UsedClasses {
  const names = new Set<string>();
  for (const text of sources) for (const match of text.matchAll(CLASS_TOKEN)) names.add(match[0]);
  return { names, prefixes: [...names].filter((name) => name.endsWith("-")) };
}

const isUsed = (used: UsedClasses, name: string) => used.names.has(name) || used.prefixes.some((prefix) => name.startsWith(prefix));

export interface AssembledCss {
  css: string;
  /** The DSFR components included, in order. */
  components: string[];
  /** The package's files the stylesheet points to (fonts, icons), from dist/: the site ships only those. */
  files: string[];
}

export interface AssembleOptions {
  /** Texts of the kit's sources, read for the DSFR classes they write. */
  sources: string[];
  /** The kit's own stylesheet, appended (its classes are the kit's, never pruned). */
  kitCss: string;
  /** The DSFR package folder. */
  dsfr?: string;
}

export async function assembleCss({ sources, kitCss, dsfr = DSFR_PACKAGE }: AssembleOptions): Promise<AssembledCss> {
  const dist = resolve(dsfr, "dist");
  const used = usedClasses([...sources, kitCss]);

  // The order the DSFR's own bundle uses (later components override earlier ones).
  const mainScss = await readFile(join(dsfr, "src/dsfr/component/main.scss"), "utf8");
  const order = [...mainScss.matchAll(/@import '([\w-]+)\/main'/g)].map((m) => m[1] as string);

  const components: string[] = [];
  const parts: Root[] = [await parseFile(join(dist, "core/core.min.css"))];
  for (const name of order) {
    const file = join(dist, "component", name, `${name}.min.css`);
    const root = await parseFile(file).catch(() => undefined); // a few entries of main.scss ship no CSS of their own
    if (!root || !definesUsedClass(root, used)) continue;
    components.push(name);
    parts.push(root);
  }
  const icons = await parseFile(join(dist, "utility/icons/icons.min.css"));
  icons.walkRules((rule) => {
    const kept = rule.selectors.filter((selector) => {
      const icon = /\.(fr-icon-[\w-]+|fr-fi-[\w-]+)/.exec(selector)?.[1];
      return icon !== undefined && isUsed(used, icon);
    });
    if (kept.length) rule.selectors = kept;
    else rule.remove();
  });
  parts.push(icons);

  const all = postcss.root();
  for (const part of parts) {
    absoluteUrls(part, dist);
    all.append(part.nodes);
  }
  pruneUnusedRules(all, used);
  all.append(postcss.parse(kitCss).nodes);
  pruneUnusedProperties(all, sources);
  pruneUnusedFaces(all);
  removeEmpty(all);
  const css = all.toString();
  const files = [...new Set([...css.matchAll(new RegExp(`url\\(["']?${DSFR_PUBLIC_PATH}/([^)"']+)`, "g"))].map((m) => m[1] as string))].sort();
  return { css, components, files };
}

async function parseFile(file: string): Promise<Root> {
  return postcss.parse(await readFile(file, "utf8"), { from: file });
}

/**
 * A component is included when the kit writes a class it styles on its own, in a selector without
 * a combinator: `.fr-btn` counts for the button; `.fr-header .fr-btn` does not make the header used.
 */
function definesUsedClass(root: Root, used: UsedClasses): boolean {
  let found = false;
  root.walkRules((rule) => {
    if (found) return false;
    for (const selector of rule.selectors) {
      const bare = selector.replace(/\([^)]*\)/g, "");
      if (/[\s>+~]/.test(bare)) continue;
      for (const match of bare.matchAll(CLASS_IN_SELECTOR)) if (isUsed(used, match[1] as string)) found = true;
    }
    return undefined;
  });
  return found;
}

/** url(../../icons/x.svg) in dist/component/link/ becomes url(/dsfr/icons/x.svg): one file, any folder. */
function absoluteUrls(root: Root, dist: string): void {
  const from = dirname(root.source?.input.file ?? dist);
  root.walkDecls((decl) => {
    if (!decl.value.includes("url(")) return;
    decl.value = decl.value.replace(/url\(([^)]+)\)/g, (whole, raw: string) => {
      const url = raw.trim().replace(/^["']|["']$/g, "");
      if (/^(data:|[a-z]+:|\/|#)/i.test(url)) return whole;
      return `url(${DSFR_PUBLIC_PATH}/${relative(dist, resolve(from, url)).split("\\").join("/")})`;
    });
  });
}

/**
 * Drops selectors naming a DSFR class the kit never writes (and rules left with none). Classes
 * inside a pseudo-class's parentheses do not count: `.fr-card:not(.fr-card--no-border)` is the
 * plain card, which the kit uses, though it never writes fr-card--no-border.
 */
function pruneUnusedRules(root: Root, used: UsedClasses): void {
  root.walkRules((rule) => {
    if (rule.parent?.type === "atrule" && /keyframes$/.test((rule.parent as AtRule).name)) return;
    const kept = rule.selectors.filter((selector) => [...outsideParentheses(selector).matchAll(CLASS_IN_SELECTOR)].every((m) => isUsed(used, m[1] as string)));
    if (kept.length === 0) rule.remove();
    else if (kept.length < rule.selectors.length) rule.selectors = kept;
  });
}

function outsideParentheses(selector: string): string {
  let depth = 0;
  let out = "";
  for (const char of selector) {
    if (char === "(") depth++;
    if (depth === 0) out += char;
    if (char === ")") depth = Math.max(0, depth - 1);
  }
  return out;
}

/** Removes custom properties nothing reads (the DSFR declares ~970 on :root), until none is left. */
function pruneUnusedProperties(root: Root, sources: string[]): void {
  const inSources = new Set(sources.flatMap((text) => [...text.matchAll(/var\((--[\w-]+)/g)].map((m) => m[1] as string)));
  for (let removed = true; removed; ) {
    removed = false;
    const read = new Set(inSources);
    root.walkDecls((decl) => {
      for (const match of decl.value.matchAll(/var\((--[\w-]+)/g)) read.add(match[1] as string);
    });
    root.walkDecls(/^--/, (decl) => {
      if (read.has(decl.prop)) return;
      decl.remove();
      removed = true;
    });
  }
}

/** Keeps the @font-face rules of a family and weight some rule asks for. */
function pruneUnusedFaces(root: Root): void {
  const weights = new Set<string>(["400"]);
  const families = new Set<string>();
  root.walkDecls((decl) => {
    if ((decl.parent as AtRule | undefined)?.type === "atrule") return; // the faces themselves
    if (decl.prop === "font-weight") weights.add(decl.value === "bold" ? "700" : decl.value === "normal" ? "400" : decl.value);
    if (decl.prop === "font-family" || decl.prop === "font") for (const name of decl.value.split(",")) families.add(name.trim().replace(/^["']|["']$/g, ""));
  });
  root.walkAtRules("font-face", (face) => {
    let family = "";
    let weight = "400";
    face.walkDecls((decl) => {
      if (decl.prop === "font-family") family = decl.value.replace(/^["']|["']$/g, "");
      if (decl.prop === "font-weight") weight = decl.value;
    });
    if (!families.has(family) || !weights.has(weight)) face.remove();
  });
}

function removeEmpty(root: Root): void {
  for (let removed = true; removed; ) {
    removed = false;
    root.walk((node) => {
      if ((node.type === "rule" || node.type === "atrule") && node.nodes !== undefined && node.nodes.length === 0) {
        node.remove();
        removed = true;
      }
    });
  }
}
