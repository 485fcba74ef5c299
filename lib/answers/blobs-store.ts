// Answers in Netlify Blobs: on a deployed site always (its file system is not durable), and as the
// queue towards Airtable when a base is connected.
//   pending/<form>/<id>     accepted, not yet in Airtable (created with onlyIfNew: one write per answer)
//   sent/<form>/<id>        written to Airtable; kept as an archive, and for `has` (a re-send without
//                           JavaScript in the next time window)
//   discarded/<form>/<why>.<time>.<random>   one empty blob per discarded submission: counted only
//   unreadable/<key>        an entry that is not a valid answer, set aside so it cannot block the rest
//   lease/flush             which flusher may write to Airtable now (one at a time)
// Without Airtable nothing flushes: answers stay pending, and `answers:export` reads them there.
import { randomBytes } from "node:crypto";
import { getStore, type Store } from "@netlify/blobs";
import { SLUG } from "../forms/definitions.ts";
import {
  bySubmission,
  checkAnswerKey,
  DISCARD_REASONS,
  isAnswer,
  isAnswerKey,
  mergeAnswer,
  type Answer,
  type DiscardReason,
  type PutResult,
} from "./answer.ts";
import type { AnswerRef, AnswerStore, DiscardCounts, Scan } from "./store.ts";

export const STORE_NAME = "reponses";
const PENDING = "pending/";
const SENT = "sent/";
const DISCARDED = "discarded/";
const UNREADABLE = "unreadable/";
const LEASE = "lease/flush";

const keyOf = (state: string, form: string, id: string) => `${state}${form}/${id}`;
/** The form and id of a pending/ or sent/ key. */
const KEY = /^(?:pending|sent)\/([^/]+)\/([^/]+)$/;

/** An answer waiting in the queue, by its key. */
export interface Pending {
  key: string;
  answer: Answer;
}

/** A correction sent while the first write was being merged can lose the race: try again a few times. */
const MAX_MERGE_ATTEMPTS = 8;

export class BlobsAnswerStore implements AnswerStore {
  constructor(readonly store: Store) {}

  /** The site's store, from the context Netlify (or `netlify dev`) gives the function. */
  static fromEnvironment(): BlobsAnswerStore {
    return new BlobsAnswerStore(getStore({ name: STORE_NAME, consistency: "strong" }));
  }

  /**
   * A new answer is one conditional write, with no read. A re-send finds its pending entry and
   * merges onto it with a compare-and-swap on its ETag. A re-send arriving after its answer was
   * flushed queues it again; `read` merges it onto the archived copy, and the flusher's upsert
   * on the answer id updates the same Airtable row.
   */
  async put(answer: Answer): Promise<PutResult> {
    checkAnswerKey(answer.form, answer.id);
    const key = keyOf(PENDING, answer.form, answer.id);
    for (let attempt = 0; attempt < MAX_MERGE_ATTEMPTS; attempt++) {
      if ((await this.store.setJSON(key, answer, { onlyIfNew: true })).modified) return "created";
      const current = await this.readWithEtag(key);
      if (!current) continue; // flushed meanwhile: create it again
      const merged = mergeAnswer(current.answer, answer);
      if (merged.result === "duplicate") return "duplicate";
      if ((await this.store.setJSON(key, merged.answer, { onlyIfMatch: current.etag })).modified) return "updated";
    }
    throw new Error(`answer ${answer.form}/${answer.id}: too many concurrent writes`);
  }

  private async readWithEtag(key: string): Promise<{ answer: Answer; etag: string } | undefined> {
    // The listing gives the current ETag (a plain read does not, on every Blobs server).
    const { blobs } = await this.store.list({ prefix: key });
    const etag = blobs.find((blob) => blob.key === key)?.etag;
    if (!etag) return undefined;
    const parsed: unknown = await this.store.get(key, { type: "json" });
    if (!isAnswer(parsed)) throw new Error(`${key} n'est pas une réponse valide`);
    return { answer: parsed, etag };
  }

  async has(form: string, id: string): Promise<boolean> {
    if (!isAnswerKey(form, id)) return false;
    const [pending, sent] = await Promise.all([
      this.store.getMetadata(keyOf(PENDING, form, id)),
      this.store.getMetadata(keyOf(SENT, form, id)),
    ]);
    return Boolean(pending || sent);
  }

  async get(form: string, id: string): Promise<Answer | undefined> {
    if (!isAnswerKey(form, id)) return undefined;
    const [pending, sent] = await Promise.all([this.readAnswer(keyOf(PENDING, form, id)), this.readAnswer(keyOf(SENT, form, id))]);
    return combine(sent, pending);
  }

  /** A stored answer, or undefined when absent; an invalid entry is set aside. */
  private async readAnswer(key: string): Promise<Answer | undefined> {
    const text = await this.store.get(key, { type: "text" });
    if (text === null) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (isAnswer(parsed)) return parsed;
    // Kept for a person to look at, out of the queue, so one bad entry cannot block the others.
    console.error(`answers: ${key} is not a valid answer; moved to ${UNREADABLE}${key}`);
    await this.store.set(`${UNREADABLE}${key}`, text);
    await this.store.delete(key);
    throw new SetAside(`${UNREADABLE}${key}`);
  }

  async scan(form?: string): Promise<Scan> {
    const keys = [...(await this.keys(SENT, form)), ...(await this.keys(PENDING, form))];
    const setAside: string[] = [];
    const read = await Promise.all(
      keys.map((key) =>
        this.readAnswer(key).then(
          (answer) => ({ key, answer }),
          (error: unknown) => {
            if (!(error instanceof SetAside)) throw error;
            setAside.push(error.where);
            return { key, answer: undefined };
          },
        ),
      ),
    );
    const byId = new Map<string, { sent?: Answer; pending?: Answer }>();
    for (const { key, answer } of read) {
      if (!answer) continue;
      const entry = byId.get(`${answer.form}/${answer.id}`) ?? {};
      entry[key.startsWith(SENT) ? "sent" : "pending"] = answer;
      byId.set(`${answer.form}/${answer.id}`, entry);
    }
    const answers = [...byId.values()].map(({ sent, pending }) => combine(sent, pending) as Answer);
    return { answers: answers.sort(bySubmission), setAside };
  }

  /** Every answer, oldest first (what scan finds, without its report of unreadable entries). */
  async list(form?: string): Promise<Answer[]> {
    return (await this.scan(form)).answers;
  }

  async forms(): Promise<string[]> {
    const keys = [...(await this.keys(SENT)), ...(await this.keys(PENDING))];
    return [...new Set(keys.map((key) => KEY.exec(key)?.[1]).filter((f): f is string => f !== undefined && SLUG.test(f)))].sort();
  }

  async refs(): Promise<AnswerRef[]> {
    const refs = new Map<string, AnswerRef>();
    for (const key of [...(await this.keys(SENT)), ...(await this.keys(PENDING))]) {
      const [, form, id] = KEY.exec(key) ?? [];
      if (form && id && isAnswerKey(form, id)) refs.set(`${form}/${id}`, { form, id });
    }
    return [...refs.values()];
  }

  async delete(form: string, id: string): Promise<boolean> {
    if (!isAnswerKey(form, id)) return false;
    const existed = await this.has(form, id);
    await Promise.all([this.store.delete(keyOf(PENDING, form, id)), this.store.delete(keyOf(SENT, form, id))]);
    return existed;
  }

  async discard(form: string, reason: DiscardReason, at: number): Promise<void> {
    if (!SLUG.test(form)) throw new Error(`invalid form: ${form}`);
    // One blob per event: concurrent counts never overwrite each other.
    await this.store.set(`${DISCARDED}${form}/${reason}.${at}.${randomBytes(6).toString("hex")}`, "");
  }

  async discarded(form: string): Promise<DiscardCounts> {
    const counts: DiscardCounts = {};
    for (const key of await this.keys(DISCARDED, form)) {
      const reason = key.slice(`${DISCARDED}${form}/`.length).split(".")[0] as DiscardReason;
      if (reason in DISCARD_REASONS) counts[reason] = (counts[reason] ?? 0) + 1;
    }
    return counts;
  }

  private async keys(state: string, form?: string): Promise<string[]> {
    const { blobs } = await this.store.list({ prefix: form ? `${state}${form}/` : state });
    return blobs.map((blob) => blob.key).sort();
  }

  /** The keys of the answers not yet written to Airtable. */
  pendingKeys(): Promise<string[]> {
    return this.keys(PENDING);
  }

  /** A queued answer, merged onto its archived copy when it is a late re-send. */
  async read(key: string): Promise<Pending | undefined> {
    const match = KEY.exec(key);
    try {
      const pending = await this.readAnswer(key);
      if (!pending) return undefined;
      const sent = match ? await this.readAnswer(keyOf(SENT, match[1] as string, match[2] as string)).catch(() => undefined) : undefined;
      return { key, answer: combine(sent, pending) as Answer };
    } catch (error) {
      if (error instanceof SetAside) return undefined;
      throw error;
    }
  }

  /** After the write to Airtable: archive first, then leave the queue, so one copy always exists. */
  async markSent({ key, answer }: Pending): Promise<void> {
    await this.store.setJSON(keyOf(SENT, answer.form, answer.id), answer);
    await this.store.delete(key);
  }

  lease(owner: string, ttlMs: number, now: () => number = Date.now, settleMs = 100): Lease {
    return new BlobsLease(this.store, owner, ttlMs, now, settleMs);
  }
}

/** Thrown by readAnswer for an entry it moved to unreadable/. */
class SetAside extends Error {
  constructor(readonly where: string) {
    super(`set aside: ${where}`);
  }
}

/** The archived copy and a later queued version of the same answer, as one. */
function combine(sent: Answer | undefined, pending: Answer | undefined): Answer | undefined {
  if (!sent || !pending) return pending ?? sent;
  return mergeAnswer(sent, pending).answer;
}

export interface Lease {
  acquire(): Promise<boolean>;
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

interface LeaseRecord {
  owner: string;
  expiresAt: number;
}

/**
 * At most one flusher writes to Airtable at a time, whatever the number of function instances:
 * the lease is taken and renewed with conditional writes (compare-and-swap on the blob's ETag),
 * and expires by itself if its holder dies.
 */
class BlobsLease implements Lease {
  /** The ETag of our own last write of the lease: renewing is one conditional write. */
  private etag: string | undefined;

  constructor(
    private readonly store: Store,
    private readonly owner: string,
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly settleMs: number,
  ) {}

  private record(): LeaseRecord {
    return { owner: this.owner, expiresAt: this.now() + this.ttlMs };
  }

  async acquire(): Promise<boolean> {
    // The listing gives the current ETag (a plain read does not, on every Blobs server).
    const { blobs } = await this.store.list({ prefix: LEASE });
    const entry = blobs.find((blob) => blob.key === LEASE);
    const result = entry
      ? await this.takeOver(entry.etag)
      : await this.store.setJSON(LEASE, this.record(), { onlyIfNew: true });
    this.etag = result.modified ? result.etag : undefined;
    if (!result.modified) return false;
    // Netlify's conditional writes are atomic; the local sandbox's (netlify dev, tests) are a
    // check then a write, so two takers can both "succeed". Whoever reads the lease back as
    // theirs after the dust settles holds it.
    await new Promise((resolve) => setTimeout(resolve, this.settleMs));
    const held = (await this.store.get(LEASE, { type: "json" })) as LeaseRecord | null;
    if (held?.owner !== this.owner) this.etag = undefined;
    return this.etag !== undefined;
  }

  private async takeOver(etag: string): Promise<{ modified: boolean; etag?: string }> {
    const held = (await this.store.get(LEASE, { type: "json" })) as LeaseRecord | null;
    if (!held || (held.owner !== this.owner && held.expiresAt > this.now())) return { modified: false };
    // If the lease changed since it was listed, the ETag no longer matches and nothing is written.
    return this.store.setJSON(LEASE, this.record(), { onlyIfMatch: etag });
  }

  async renew(): Promise<boolean> {
    if (!this.etag) return false;
    const result = await this.store.setJSON(LEASE, this.record(), { onlyIfMatch: this.etag });
    this.etag = result.modified ? result.etag : undefined;
    return result.modified;
  }

  async release(): Promise<void> {
    if (!this.etag) return;
    await this.store.setJSON(LEASE, { owner: this.owner, expiresAt: 0 }, { onlyIfMatch: this.etag });
    this.etag = undefined;
  }
}
