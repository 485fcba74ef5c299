// The durable answer queue in Netlify Blobs, used when answers go to Airtable.
//   pending/<form>/<id>  accepted, not yet in Airtable (written with onlyIfNew: once per id)
//   sent/<form>/<id>     written to Airtable; kept as an archive, and for `has` (a re-send without
//                        JavaScript in the next time window)
//   unreadable/<key>     an entry that is not a valid answer, set aside so it cannot block the queue
//   lease/flush          which flusher may write to Airtable now (one at a time)
import { getStore, type Store } from "@netlify/blobs";
import { bySubmission, checkAnswerKey, isAnswerKey, type Answer } from "./answer.ts";
import type { AnswerStore } from "./store.ts";

export const STORE_NAME = "reponses";
const PENDING = "pending/";
const SENT = "sent/";
const LEASE = "lease/flush";

const keyOf = (state: string, form: string, id: string) => `${state}${form}/${id}`;

/** An answer waiting in the queue, by its key. */
export interface Pending {
  key: string;
  answer: Answer;
}

export class BlobsAnswerStore implements AnswerStore {
  constructor(readonly store: Store) {}

  /** The site's store, from the context Netlify (or `netlify dev`) gives the function. */
  static fromEnvironment(): BlobsAnswerStore {
    return new BlobsAnswerStore(getStore({ name: STORE_NAME, consistency: "strong" }));
  }

  /**
   * One conditional write. A re-send arriving after its answer was flushed queues it again; the
   * flusher's upsert on the answer id then updates the same Airtable row: no duplicate, and no
   * extra read on every acceptance.
   */
  async put(answer: Answer): Promise<"created" | "duplicate"> {
    checkAnswerKey(answer.form, answer.id);
    const { modified } = await this.store.setJSON(keyOf(PENDING, answer.form, answer.id), answer, { onlyIfNew: true });
    return modified ? "created" : "duplicate";
  }

  async has(form: string, id: string): Promise<boolean> {
    if (!isAnswerKey(form, id)) return false;
    const [pending, sent] = await Promise.all([
      this.store.getMetadata(keyOf(PENDING, form, id)),
      this.store.getMetadata(keyOf(SENT, form, id)),
    ]);
    return Boolean(pending || sent);
  }

  async list(form?: string): Promise<Answer[]> {
    const keys = [...(await this.keys(SENT, form)), ...(await this.keys(PENDING, form))];
    const read = await Promise.all(keys.map((key) => this.store.get(key, { type: "json" }) as Promise<Answer | null>));
    // A late re-send can be both sent and pending again: one answer.
    const answers = new Map<string, Answer>();
    for (const answer of read) if (answer && !answers.has(answer.id)) answers.set(answer.id, answer);
    return [...answers.values()].sort(bySubmission);
  }

  private async keys(state: string, form?: string): Promise<string[]> {
    const { blobs } = await this.store.list({ prefix: form ? `${state}${form}/` : state });
    return blobs.map((blob) => blob.key).sort();
  }

  /** The keys of the answers not yet written to Airtable. */
  pendingKeys(): Promise<string[]> {
    return this.keys(PENDING);
  }

  async read(key: string): Promise<Pending | undefined> {
    const text = await this.store.get(key, { type: "text" });
    if (text === null) return undefined;
    try {
      const answer = JSON.parse(text) as Answer;
      if (typeof answer.id === "string" && typeof answer.form === "string" && answer.values && typeof answer.values === "object") {
        return { key, answer };
      }
    } catch {
      // fall through: set aside below
    }
    // Kept for a person to look at, out of the queue, so one bad entry cannot block the others.
    console.error(`answer queue: ${key} is not a valid answer; moved to unreadable/${key}`);
    await this.store.set(`unreadable/${key}`, text);
    await this.store.delete(key);
    return undefined;
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
