// Lighthouse's accessibility, best practices and SEO audits on the built pages, through one
// Chromium (chromium.ts) that every page visits in a tab of its own; and, for a score below 100,
// the audits that fail with what they point at, so whoever reads it knows what to fix. The
// performance category is left out: its trace audits error on Debian's Chromium.
import lighthouse, { type Flags, type Result } from "lighthouse";

export const CATEGORIES = ["accessibility", "best-practices", "seo"] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_LABELS: Readonly<Record<Category, string>> = {
  accessibility: "Accessibilité",
  "best-practices": "Bonnes pratiques",
  seo: "Référencement",
};

/** A page to audit; lib/forms/page-types.ts gives the site's. */
export interface AuditedPage {
  label: string;
  path: string;
  /** 404: the page of an unknown address, which rightly answers 404. */
  status?: number;
}

export interface FailedAudit {
  category: Category;
  id: string;
  title: string;
  /** 0 to 1, or null when the audit itself errored. */
  score: number | null;
  /** What it points at: an element's HTML and selector, a URL, a console message… */
  items: string[];
}

export interface PageAudit<P extends AuditedPage = AuditedPage> {
  page: P;
  /** 0 to 100; null when Lighthouse could not score the category. */
  scores: Record<Category, number | null>;
  failures: FailedAudit[];
  /** Why the page could not be audited at all. */
  error?: string;
  ms: number;
}

/**
 * Chromium logs its status as a console error when the page itself answers 404, which
 * `errors-in-console` would count. Its message is the same for any resource answering 404, so on
 * this page only, a missing image or script goes unseen: the other pages share its layout and are
 * audited without this.
 */
const NOT_FOUND_CONFIG = {
  extends: "lighthouse:default",
  audits: [{ path: "errors-in-console", options: { ignoredPatterns: ["the server responded with a status of 404"] } }],
};

/** At most this many items per audit, the rest counted. */
const MAX_ITEMS = 12;

/**
 * Audits each page in turn with the Chromium listening on `port` (Lighthouse opens a tab, then
 * closes it). Mobile, as Lighthouse emulates by default: most citizens come on a phone.
 */
export async function auditPages<P extends AuditedPage>(
  baseUrl: string,
  pages: readonly P[],
  port: number,
  onPage?: (audit: PageAudit<P>) => void,
): Promise<PageAudit<P>[]> {
  const results: PageAudit<P>[] = [];
  for (const page of pages) {
    const audit = await auditPage(baseUrl, page, port);
    onPage?.(audit);
    results.push(audit);
  }
  return results;
}

export async function auditPage<P extends AuditedPage>(baseUrl: string, page: P, port: number): Promise<PageAudit<P>> {
  const started = performance.now();
  const notFound = page.status === 404;
  const flags: Flags = {
    port,
    output: "json",
    logLevel: "error",
    locale: "fr",
    onlyCategories: [...CATEGORIES],
    // Simulated throttling (the default) only changes the performance category's figures, which
    // are not computed here, and lets the waits below be short: any other method makes Lighthouse
    // wait over 5 s of quiet after each load. The page's scripts (DSFR, form) run within these.
    throttlingMethod: "simulate",
    pauseAfterFcpMs: 250,
    pauseAfterLoadMs: 250,
    networkQuietThresholdMs: 250,
    cpuQuietThresholdMs: 250,
    disableFullPageScreenshot: true,
    // A page of an unknown address answering 404 is right: audit it anyway, without the SEO audit
    // that wants every page to answer 200.
    ...(notFound ? { ignoreStatusCode: true, skipAudits: ["http-status-code"] } : {}),
  };
  const result = await lighthouse(new URL(page.path, baseUrl).href, flags, notFound ? NOT_FOUND_CONFIG : undefined);
  const ms = performance.now() - started;
  const scores = { accessibility: null, "best-practices": null, seo: null } as Record<Category, number | null>;
  if (!result) return { page, scores, failures: [], error: "Lighthouse n'a rien rendu", ms };
  const { lhr } = result;
  for (const category of CATEGORIES) {
    const score = lhr.categories[category]?.score;
    scores[category] = typeof score === "number" ? Math.round(score * 100) : null;
  }
  const error = lhr.runtimeError ? `${lhr.runtimeError.code} : ${lhr.runtimeError.message}` : undefined;
  return { page, scores, failures: failuresOf(lhr), ...(error ? { error } : {}), ms };
}

/** The audits that lower a category's score: weighted, and failed or errored. */
export function failuresOf(lhr: Result): FailedAudit[] {
  const failures: FailedAudit[] = [];
  for (const category of CATEGORIES) {
    for (const ref of lhr.categories[category]?.auditRefs ?? []) {
      const audit = lhr.audits[ref.id];
      if (!audit || ref.weight === 0) continue;
      const errored = audit.scoreDisplayMode === "error";
      if (!errored && (audit.score === null || audit.score >= 1)) continue;
      const items = errored ? [audit.errorMessage ?? "erreur de l'audit"] : itemsOf(audit.details);
      failures.push({ category, id: audit.id, title: audit.title, score: audit.score, items });
    }
  }
  return failures;
}

function itemsOf(details: unknown): string[] {
  const items = (details as { items?: unknown } | undefined)?.items;
  if (!Array.isArray(items)) return [];
  const described = items.map(describeItem).filter((text) => text !== "");
  if (described.length <= MAX_ITEMS) return described;
  return [...described.slice(0, MAX_ITEMS), `… et ${described.length - MAX_ITEMS} autres`];
}

const oneLine = (text: string, max = 300) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** An element by its HTML, its selector and why it fails; anything else by its texts and URLs. */
function describeItem(item: unknown): string {
  if (typeof item !== "object" || item === null) return typeof item === "string" ? oneLine(item) : "";
  const record = item as Record<string, unknown>;
  const node = Object.values(record).find(isNode);
  if (node) {
    const why = node.explanation ? ` — ${oneLine(node.explanation, 240)}` : "";
    return `${oneLine(node.snippet ?? node.nodeLabel ?? "", 240)} (${node.selector ?? "?"})${why}`;
  }
  const parts: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === "string" || typeof value === "number") parts.push(`${key}: ${oneLine(String(value), 200)}`);
    else if (isSourceLocation(value)) parts.push(`${key}: ${value.url}:${value.line + 1}:${value.column + 1}`);
  }
  return parts.join(" ; ");
}

type NodeDetails = { type: "node"; snippet?: string; selector?: string; nodeLabel?: string; explanation?: string };
const isNode = (value: unknown): value is NodeDetails => (value as { type?: unknown } | null)?.type === "node";
type SourceLocation = { type: "source-location"; url: string; line: number; column: number };
const isSourceLocation = (value: unknown): value is SourceLocation => (value as { type?: unknown } | null)?.type === "source-location";

const pad = (text: string, width: number) => text + " ".repeat(Math.max(0, width - text.length));

/** A Markdown table: a row per page, a column per category. */
export function scoreTable(audits: readonly PageAudit[]): string {
  const header = ["Page", "Adresse", ...CATEGORIES.map((c) => CATEGORY_LABELS[c]), "Durée"];
  const rows = audits.map((a) => [
    a.page.label,
    a.page.path,
    ...CATEGORIES.map((c) => (a.scores[c] === null ? "erreur" : String(a.scores[c]))),
    `${(a.ms / 1000).toFixed(1)} s`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => pad(c, widths[i] ?? 0)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

/** What fails on one page, a line per audit then a line per element it points at; empty when all is 100. */
export function failureLines(audit: PageAudit): string[] {
  const lines: string[] = [];
  if (audit.error) lines.push(`Lighthouse n'a pas pu auditer la page : ${audit.error}`);
  for (const category of CATEGORIES) {
    if (audit.scores[category] === 100) continue;
    lines.push(`${CATEGORY_LABELS[category]} : ${audit.scores[category] ?? "erreur"}`);
    for (const failure of audit.failures.filter((f) => f.category === category)) {
      lines.push(`  ${failure.id} — ${failure.title}`);
      for (const item of failure.items) lines.push(`      ${item}`);
    }
  }
  return lines;
}

/** Every page's failures, under its label and address. */
export function failuresReport(audits: readonly PageAudit[]): string {
  return audits
    .map((audit) => ({ audit, lines: failureLines(audit) }))
    .filter(({ lines }) => lines.length > 0)
    .map(({ audit, lines }) => [`${audit.page.label} (${audit.page.path})`, ...lines.map((l) => `  ${l}`)].join("\n"))
    .join("\n\n");
}
