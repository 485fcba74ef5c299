// A summary of the new answers, for a team's chat (Mattermost, Tchap, Slack): how many answers each
// form received since the last summary, how many went to quarantine, how many were discarded. Only
// counts and the forms' titles: never a value typed in a form, never who sent it.
//
// "New" is measured against a mark kept in the answers' own store (a file beside the answers on
// disk, a blob beside them in Netlify Blobs): the answers already counted (their ids) and the
// discarded totals at that time. An answer is new when its id was not counted yet: listing ids is
// cheap, and only the new answers are read (to tell quarantined ones apart), so a run costs what
// came in, not what is stored. A correction keeps its answer's id: it is not a new answer. The mark
// moves only once a summary was delivered (or there was nothing to say), so a summary that fails is
// sent again, counts included, by the next run, and an answer is never counted twice.
import { BlobsKeyValueStore, DiskKeyValueStore, type KeyValueStore } from "../stats/key-value.ts";
import { paths } from "../forms/definitions.ts";
import { BlobsAnswerStore } from "./blobs-store.ts";
import { DiskAnswerStore, type AnswerStore } from "./store.ts";

export type SummaryFrequency = "daily" | "hourly";

/** A daily summary is sent once a day, at this hour in Paris (the team's morning). */
export const DAILY_SUMMARY_HOUR = 9;

/**
 * At most this many new answers are read by one run (a scheduled function has 30 s); more are
 * counted by the next run, which is then due at once. Only a first summary on a busy site, or a
 * campaign's hour, reads that many.
 */
export const MAX_READS = 1000;
/** New answers read at the same time. */
const READ_CONCURRENCY = 16;

export interface SummaryMark {
  /** The ids of the answers counted so far, by form (those still stored). */
  counted: Record<string, string[]>;
  /** When the last summary was delivered, or found nothing to say (ISO). */
  checkedAt: string;
  /** Discarded submissions per form, in all, when they were last counted. */
  discarded: Record<string, number>;
  /** Set when new answers were left for the next run (more than MAX_READS): it is due at once. */
  incomplete?: boolean;
}

export interface MarkStore {
  read(): Promise<SummaryMark | undefined>;
  write(mark: SummaryMark): Promise<void>;
}

const isMark = (value: unknown): value is SummaryMark => {
  const m = value as Partial<SummaryMark> | null;
  return Boolean(m && m.counted && typeof m.counted === "object" && typeof m.checkedAt === "string" && m.discarded && typeof m.discarded === "object");
};

/**
 * The mark as one document of a key-value store (lib/stats/key-value.ts: written whole or not at
 * all, on disk or in Netlify Blobs). A damaged or unreadable mark counts from the start again: a
 * summary too many beats one lost.
 */
export class KeyValueMarkStore implements MarkStore {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly key: string,
  ) {}

  async read(): Promise<SummaryMark | undefined> {
    const parsed = await this.kv.get(this.key).catch(() => undefined);
    return isMark(parsed) ? parsed : undefined;
  }

  async write(mark: SummaryMark): Promise<void> {
    await this.kv.set(this.key, mark);
  }
}

/** Beside the answers on disk: <answers dir>/_resume.json (not a form's folder: a slug never starts with "_"). */
export class DiskMarkStore extends KeyValueMarkStore {
  constructor(dir: string) {
    super(new DiskKeyValueStore(dir), "_resume");
  }
}

export const MARK_KEY = "summary/mark";

/** The mark kept in the same store as the answers. */
export function markStoreFor(store: AnswerStore): MarkStore {
  if (store instanceof DiskAnswerStore) return new DiskMarkStore(store.dir);
  if (store instanceof BlobsAnswerStore) return new KeyValueMarkStore(new BlobsKeyValueStore(store.store), MARK_KEY);
  throw new Error("no summary mark for this answer store");
}

// ---------------------------------------------------------------------------------------------
// Counting

export interface FormCounts {
  form: string;
  title: string;
  /** Answers received, out of quarantine. */
  received: number;
  quarantined: number;
  /** Submissions discarded without being kept (a filled honeypot). */
  discarded: number;
}

export interface Summary {
  /** When the previous summary was sent (undefined: this is the first). */
  since?: number;
  /** The forms with something new, in the order of the titles given, then the others. */
  forms: FormCounts[];
  /** New answers not read by this run (more than MAX_READS): the next run counts them. */
  left: number;
  /** The next mark's counted ids and discarded totals. */
  counted: Record<string, string[]>;
  discardedTotals: Record<string, number>;
}

/** Runs `task` on every item, `concurrency` at a time. */
async function eachLimited<T>(items: T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/**
 * What is new in `store` since `mark`. `titles` names the published forms (by slug); answers to
 * a form no longer published are counted under its slug.
 */
export async function countNewAnswers(store: AnswerStore, titles: Record<string, string>, mark: SummaryMark | undefined, maxReads = MAX_READS): Promise<Summary> {
  const counts = new Map<string, FormCounts>();
  const entry = (form: string) => {
    let c = counts.get(form);
    if (!c) counts.set(form, (c = { form, title: titles[form] ?? form, received: 0, quarantined: 0, discarded: 0 }));
    return c;
  };
  for (const form of Object.keys(titles)) entry(form);
  const known = new Set(Object.entries(mark?.counted ?? {}).flatMap(([form, ids]) => ids.map((id) => `${form}/${id}`)));
  const refs = await store.refs();
  // Ids of answers deleted since are dropped: the mark holds what is stored, no more.
  const counted = refs.filter((ref) => known.has(`${ref.form}/${ref.id}`));
  const fresh = refs.filter((ref) => !known.has(`${ref.form}/${ref.id}`));
  const read = fresh.slice(0, maxReads);
  await eachLimited(read, READ_CONCURRENCY, async (ref) => {
    const answer = await store.get(ref.form, ref.id);
    if (!answer) return; // deleted meanwhile
    const c = entry(ref.form);
    if (answer.quarantine) c.quarantined++;
    else c.received++;
    counted.push(ref);
  });
  const discardedTotals: Record<string, number> = {};
  for (const form of new Set([...counts.keys(), ...(await store.forms())])) {
    const total = Object.values(await store.discarded(form)).reduce((sum, n) => sum + (n ?? 0), 0);
    if (total === 0) continue;
    discardedTotals[form] = total;
    entry(form).discarded = Math.max(0, total - (mark?.discarded[form] ?? 0));
  }
  const byForm: Record<string, string[]> = {};
  for (const { form, id } of counted) (byForm[form] ??= []).push(id);
  for (const ids of Object.values(byForm)) ids.sort();
  const forms = [...counts.values()].filter((c) => c.received + c.quarantined + c.discarded > 0);
  return { since: mark ? Date.parse(mark.checkedAt) : undefined, forms, left: fresh.length - read.length, counted: byForm, discardedTotals };
}

export const isEmpty = (summary: Summary): boolean => summary.forms.length === 0;

// ---------------------------------------------------------------------------------------------
// The message

const PARIS_MOMENT = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** 30/11/2026 à 09:00, in Paris. */
function moment(at: number): string {
  const parts = PARIS_MOMENT.formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("day")}/${part("month")}/${part("year")} à ${part("hour")}:${part("minute")}`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;

function formLine(c: FormCounts): string {
  const received = c.received === 0 ? "aucune nouvelle réponse" : plural(c.received, "nouvelle réponse", "nouvelles réponses");
  const others = [
    ...(c.quarantined ? [`${c.quarantined} en quarantaine`] : []),
    ...(c.discarded ? [plural(c.discarded, "envoi écarté (robot)", "envois écartés (robots)")] : []),
  ];
  return `${received} pour « ${c.title} »${others.length ? `, ${others.join(", ")}` : ""}`;
}

export interface MessageContext {
  siteName?: string;
  /** The deployed site's address, for the link to its statistics page. */
  siteUrl?: string;
}

/** The text posted: one line per form with something new, then where to look. */
export function summaryText(summary: Summary, context: MessageContext = {}): string {
  const period = summary.since === undefined ? "depuis la mise en ligne" : `depuis le ${moment(summary.since)}`;
  const head = `${context.siteName ? `${context.siteName} — ` : ""}nouvelles réponses ${period} :`;
  const lines = summary.forms.map((c) => `- ${formLine(c)}`);
  const stats = context.siteUrl ? `${context.siteUrl.replace(/\/+$/, "")}${paths.stats}` : `la page ${paths.stats} du site`;
  const quarantine = summary.forms.some((c) => c.quarantined) ? " ; les réponses en quarantaine attendent d'être relues (npm run answers:review)" : "";
  const left = summary.left ? [`Et ${plural(summary.left, "autre nouvelle réponse, comptée", "autres nouvelles réponses, comptées")} dans le prochain résumé.`] : [];
  return [head, ...lines, ...left, `Voir ${stats}${quarantine}.`].join("\n");
}

// ---------------------------------------------------------------------------------------------
// When to send

/** Paris wall-clock time at `at`, read as if it were UTC: the difference is Paris's offset. */
function parisWallClock(at: number): number {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/Paris",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second"));
}

/** The start of the period `now` is in: the hour, or the day from DAILY_SUMMARY_HOUR in Paris. */
export function periodStart(now: number, frequency: SummaryFrequency): number {
  if (frequency === "hourly") return now - (now % 3_600_000);
  const wall = parisWallClock(now);
  const offset = wall - (now - (now % 1000));
  let start = Date.UTC(new Date(wall).getUTCFullYear(), new Date(wall).getUTCMonth(), new Date(wall).getUTCDate(), DAILY_SUMMARY_HOUR) - offset;
  if (start > now) start -= 24 * 3_600_000;
  // The offset of the day before can differ by an hour (summer time changes at night): ask again.
  const shift = parisWallClock(start) - start - offset;
  return start - shift;
}

/** Whether a summary is due: none has been delivered (or found nothing) since the period began. */
export function isDue(mark: SummaryMark | undefined, now: number, frequency: SummaryFrequency): boolean {
  return !mark || Boolean(mark.incomplete) || Date.parse(mark.checkedAt) < periodStart(now, frequency);
}

// ---------------------------------------------------------------------------------------------
// One run

export type SummaryOutcome =
  /** Not time yet (daily, before the hour; or already sent this period). */
  | { status: "not-due" }
  /** Nothing new: nothing posted, the mark moved. */
  | { status: "nothing-new" }
  | { status: "sent"; text: string; summary: Summary }
  /** What would be posted (nothing written). */
  | { status: "dry-run"; text: string; summary: Summary }
  /** The post failed: the mark stays, the next run sends these counts again with any newer ones. */
  | { status: "failed"; text: string; summary: Summary; error: string };

export interface SummaryRun {
  store: AnswerStore;
  marks?: MarkStore;
  titles: Record<string, string>;
  frequency: SummaryFrequency;
  /** Delivers the text; throws when it could not. */
  post: (text: string) => Promise<void>;
  context?: MessageContext;
  now?: () => number;
  /** Send now whatever the frequency (the command). */
  force?: boolean;
  dryRun?: boolean;
  /** See MAX_READS. */
  maxReads?: number;
}

export async function sendSummary(run: SummaryRun): Promise<SummaryOutcome> {
  const now = (run.now ?? Date.now)();
  const marks = run.marks ?? markStoreFor(run.store);
  const mark = await marks.read();
  if (!run.force && !run.dryRun && !isDue(mark, now, run.frequency)) return { status: "not-due" };
  const summary = await countNewAnswers(run.store, run.titles, mark, run.maxReads);
  const next: SummaryMark = {
    counted: summary.counted,
    checkedAt: new Date(now).toISOString(),
    discarded: summary.discardedTotals,
    ...(summary.left ? { incomplete: true } : {}),
  };
  if (isEmpty(summary)) {
    // Silence when nothing happened: a channel that says « 0 » every hour gets muted.
    if (!run.dryRun) await marks.write(next);
    return { status: "nothing-new" };
  }
  const text = summaryText(summary, run.context);
  if (run.dryRun) return { status: "dry-run", text, summary };
  try {
    await run.post(text);
  } catch (error) {
    return { status: "failed", text, summary, error: error instanceof Error ? error.message : String(error) };
  }
  await marks.write(next);
  return { status: "sent", text, summary };
}
