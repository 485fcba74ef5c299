// What the pages count, as the browser sends it and the event function reads it: a page viewed,
// and a form's progress. Browser-safe (no zod: lib/stats/event-schema.ts checks what arrives).
// Nothing here identifies a person: no id, no cookie, no address; where a visitor came from is
// reduced to a short label (utm_source, ref, or the referring site's host).

export const PAGE_KINDS = ["landing", "form"] as const;
export type PageKind = (typeof PAGE_KINDS)[number];

/** A page seen. The source and campaign are already labels (see sourceLabel). */
export interface ViewEvent {
  type: "view";
  service: string;
  /** The variant's slug; "" for the service's main page. */
  variant: string;
  page: PageKind;
  source?: string;
  campaign?: string;
}

/**
 * A form filled further: its furthest question went from `from` to `to` (indexes in the form;
 * -1 before the first interaction, so `from: -1` is the form's start). Counting these as moves
 * keeps, for each question, how many fillings stopped there, even when optional ones are skipped.
 */
export interface ProgressEvent {
  type: "progress";
  service: string;
  variant: string;
  from: number;
  to: number;
}

export type PageEvent = ViewEvent | ProgressEvent;

/** What a page says about itself for counting: read from its <meta name="kit-mesure">. */
export interface PageMeasure {
  service: string;
  variant: string;
  page: PageKind;
}

export const MEASURE_META = "kit-mesure";


/** Query parameters that name a channel, in order of precedence. */
export const SOURCE_PARAMS = ["utm_source", "ref"] as const;
export const CAMPAIGN_PARAM = "utm_campaign";

export const MAX_LABEL_LENGTH = 40;

/**
 * A channel's name as a short label: lower case, letters, digits, « . », « _ », « - »; anything
 * else becomes « - ». Undefined when nothing is left. The same on both sides, so a label the
 * browser sends is one the server accepts.
 */
export function label(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const cleaned = value
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, MAX_LABEL_LENGTH);
  return cleaned || undefined;
}

/**
 * Where a visit came from: utm_source or ref from the page's address, else the referring site's
 * host (never its path: it may hold a person's data), else nothing (a direct visit).
 */
export function sourceOf(search: URLSearchParams, referrer: string | undefined, ownHost: string): { source?: string; campaign?: string } {
  let source: string | undefined;
  for (const name of SOURCE_PARAMS) source ??= label(search.get(name));
  if (!source && referrer) {
    try {
      const host = new URL(referrer).hostname.replace(/^www\./, "");
      if (host && host !== ownHost.replace(/^www\./, "")) source = label(host);
    } catch {
      // Not an address: no source.
    }
  }
  const campaign = label(search.get(CAMPAIGN_PARAM));
  return { ...(source ? { source } : {}), ...(campaign ? { campaign } : {}) };
}
