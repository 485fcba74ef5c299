// « Publier » : the rule that turns the intrapreneur's requests into Netlify builds, written once.
// Both the Airtable automation (airtable/publier.js, bundled from this module by esbuild) and
// `npm run publish` use it, so this module imports nothing and uses only what Airtable's scripting
// runtime has too (fetch, Date, URL, JSON; no Node).
//
// The rule. A request at `now` calls the build hook unless one was called less than WINDOW_MS before;
// a call opens a window [call, call + WINDOW_MS), and the build it starts waits until the window has
// closed (plus CLOCK_MARGIN_MS) before it reads the base (waitForPublishWindow, in `npm run build`).
// So a request that is not sent on, being inside a window, is still read by that window's build:
// ten requests in a minute make one build, and no edit made before a request is left out of a build.
//
// Why not the usual debounce (call once the requests have stopped for a minute)? It needs a timer
// that outlives the request, and an Airtable automation script stops after 30 s and has nothing that
// runs later. Calling on every request and counting on Netlify would not do either: Netlify queues
// the builds of a site one after the other and, when several are queued for the same branch, skips
// the middle ones but builds the first and the last (Netlify support, answers.netlify.com, « duplicated
// deploys »): two builds for ten requests, not one. That same behaviour keeps this rule sound when
// builds pile up: a skipped build is a middle one, and the last one's window comes later.
//
// What the rule cannot see: a build that fails (the site keeps its previous version; the next
// request, once the window is over, starts a new one), and two requests at the same instant from two
// places (the Airtable automation and a terminal keep their own last call): one build more, never
// an edit left out.

/** How long requests are gathered into one build. */
export const WINDOW_MS = 60_000;

/** Netlify's build machines and Airtable's servers may disagree on the time by this much. */
export const CLOCK_MARGIN_MS = 5_000;

/** The longest a build waits for its window, whatever the hook's body says. */
export const MAX_WAIT_MS = WINDOW_MS + CLOCK_MARGIN_MS;

export type PublishDecision =
  /** Call the build hook: its build reads the base after `readAfter`. */
  | { call: true; readAfter: number }
  /** Already covered: the build called at `calledAt` reads the base after `readAfter`, so after this request. */
  | { call: false; calledAt: number; readAfter: number };

/**
 * Whether a request at `now` calls the build hook, given the time of the last call (undefined:
 * never). A last call in the future (a clock set wrong, a date typed by hand) covers nothing.
 */
export function decidePublish(now: number, lastCall: number | undefined, windowMs = WINDOW_MS): PublishDecision {
  if (lastCall !== undefined && Number.isFinite(lastCall) && lastCall <= now && now - lastCall < windowMs) {
    return { call: false, calledAt: lastCall, readAfter: lastCall + windowMs };
  }
  return { call: true, readAfter: now + windowMs };
}

/** What the build hook's body carries: when the build may read the base. Netlify hands it to the build as INCOMING_HOOK_BODY. */
export interface HookBody {
  publishAfter: string;
}

/** The time a build triggered by a publication must wait for, from INCOMING_HOOK_BODY; undefined for any other build. */
export function readPublishAfter(body: string | undefined): number | undefined {
  if (!body) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== "object" || parsed === null || !("publishAfter" in parsed)) return undefined;
    const at = Date.parse(String(parsed.publishAfter));
    return Number.isFinite(at) ? at : undefined;
  } catch {
    return undefined;
  }
}

/** How long the build waits before reading the base: until the window has closed, never more than MAX_WAIT_MS. */
export function publishWait(publishAfter: number | undefined, now: number): number {
  if (publishAfter === undefined) return 0;
  return Math.min(MAX_WAIT_MS, Math.max(0, publishAfter + CLOCK_MARGIN_MS - now));
}

// ---------------------------------------------------------------------------------------------
// The build hook

// Strings, not URL: the whole of Airtable's scripting runtime is not documented, fetch is.
const HOOK_URL = /^(https?):\/\/([^/?#\s]+)\/build_hooks\/([A-Za-z0-9]+)\/?(?:[?#]\S*)?$/;
const ORIGIN = /^(https?:\/\/[^/?#\s]+)/;

/** A Netlify build hook: whoever has its URL can start builds, so it is shown only masked. */
export interface BuildHook {
  /** https://api.netlify.com, or http://127.0.0.1:<port> in tests. */
  origin: string;
  id: string;
}

export class PublishError extends Error {
  override name = "PublishError";
}

/**
 * The build hook's URL, checked: https://api.netlify.com/build_hooks/<id> (plain http only on this
 * machine, for tests). A wrong one is named without being printed: it is a secret.
 */
export function parseHookUrl(value: string | undefined, where: string): BuildHook {
  const given = value?.trim();
  if (!given) {
    throw new PublishError(
      `${where} est vide : collez l'adresse du build hook créé dans Netlify (« Site configuration » → « Build & deploy » → « Build hooks »).`,
    );
  }
  const match = HOOK_URL.exec(given);
  const host = match?.[2]?.toLowerCase().replace(/:\d+$/, "");
  const local = host === "localhost" || host === "127.0.0.1";
  if (!match || !(match[1] === "https" || local)) {
    const origin = ORIGIN.exec(given)?.[1];
    throw new PublishError(
      `${where} n'est pas l'adresse d'un build hook Netlify${origin ? ` (${origin}/…)` : ""} : elle doit avoir la forme https://api.netlify.com/build_hooks/<identifiant>.`,
    );
  }
  return { origin: `${match[1]}://${match[2]}`, id: match[3]! };
}

export function maskHookUrl(hook: BuildHook): string {
  return `${hook.origin}/build_hooks/${hook.id.slice(0, 4)}…`;
}

export interface TriggerOptions {
  hook: BuildHook;
  /** When the build may read the base (decidePublish's readAfter). */
  readAfter: number;
  /** The deploy's title in Netlify's list. */
  title: string;
  fetch?: typeof fetch;
}

/** Calls the build hook: a POST, answered 200 with an empty body. Throws a PublishError in French. */
export async function triggerBuild({ hook, readAfter, title, fetch: fetchFn = fetch }: TriggerOptions): Promise<void> {
  const url = `${hook.origin}/build_hooks/${hook.id}?trigger_title=${encodeURIComponent(title)}`;
  const body: HookBody = { publishAfter: new Date(readAfter).toISOString() };
  let response: Response;
  try {
    response = await fetchFn(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  } catch {
    // The error's text may hold the URL: it is not shown.
    throw new PublishError(
      `Netlify ne répond pas (${maskHookUrl(hook)}) : vérifiez la connexion à internet, puis recommencez. Aucune construction n'a été lancée.`,
    );
  }
  // Netlify answers with an empty body; reading it frees the connection (Airtable's fetch has no body stream).
  await response.text().catch(() => "");
  if (response.ok) return;
  if (response.status === 404) {
    throw new PublishError(
      `Netlify ne connaît pas ce build hook (${maskHookUrl(hook)}, réponse 404) : il a été supprimé, ou l'adresse est incomplète. Recopiez-la depuis Netlify (« Build hooks »). Aucune construction n'a été lancée.`,
    );
  }
  throw new PublishError(
    `Netlify a refusé la demande (réponse ${response.status}) : recommencez dans quelques minutes. Aucune construction n'a été lancée.`,
  );
}

/** What the intrapreneur reads once a request is handled. */
export function publishMessage(decision: PublishDecision, formatTime: (ms: number) => string): string {
  return decision.call
    ? `Construction lancée à ${formatTime(decision.readAfter - WINDOW_MS)} : elle lira la base à partir de ${formatTime(decision.readAfter)} (les modifications faites d'ici là en seront), et le site sera à jour quelques minutes après.`
    : `Déjà prévue : la construction lancée à ${formatTime(decision.calledAt)} lira la base à partir de ${formatTime(decision.readAfter)}, donc avec vos dernières modifications.`;
}

/** 14:02:10, at Paris time, in Airtable's runtime as in Node. */
export function parisTime(ms: number): string {
  try {
    return new Intl.DateTimeFormat("fr-FR", { timeZone: "Europe/Paris", hour: "2-digit", minute: "2-digit", second: "2-digit" }).format(ms);
  } catch {
    // A runtime without time zone data: UTC, said so.
    return `${new Date(ms).toISOString().slice(11, 19)} (UTC)`;
  }
}
