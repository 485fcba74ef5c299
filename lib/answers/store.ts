// Durable answer storage on disk, used when no Airtable base is connected and not on Netlify.
// One JSON file per version of an answer under <dir>/<form>/: <id>.json, then <id>.v2.json, …
// A version is written whole to a temporary name, flushed to disk, then linked to its final name.
// link() fails if the name exists, so "store once" and "update" are both atomic without a lock,
// even across the processes `netlify dev` starts: a writer that loses the race reads again and
// writes the next version. Two folders beside the forms' (a slug never starts with "_"):
//   _ecartees/<form>/    one empty-ish file per submission discarded (a filled honeypot): counted only
//   _illisibles/<form>/  files that are not a valid answer, set aside so they cannot block an export
import { randomBytes } from "node:crypto";
import { access, link, mkdir, open, readdir, readFile, rename, unlink } from "node:fs/promises";
import { join, resolve } from "node:path";
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

/** Counts of submissions discarded without being kept, by reason. */
export type DiscardCounts = Partial<Record<DiscardReason, number>>;

export interface Scan {
  answers: Answer[];
  /** Entries that are not valid answers, moved aside (where they now are), so the rest can be read. */
  setAside: string[];
}

export interface AnswerStore {
  /**
   * Stores the answer durably: "created" for a new id, "duplicate" when the same values are
   * stored already, "updated" when they differ (the last wins, the earlier go to its history).
   */
  put(answer: Answer): Promise<PutResult>;
  has(form: string, id: string): Promise<boolean>;
  get(form: string, id: string): Promise<Answer | undefined>;
  /** Every answer, quarantined ones included, oldest first; unreadable entries are set aside. */
  scan(form?: string): Promise<Scan>;
  /** Deletes an answer for good (a person's decision, from `answers:review`). */
  delete(form: string, id: string): Promise<boolean>;
  /** Counts a submission that is not kept (nothing of its content is written). */
  discard(form: string, reason: DiscardReason, at: number): Promise<void>;
  discarded(form: string): Promise<DiscardCounts>;
  /** The forms that have answers stored, whether or not they are still in the base. */
  forms(): Promise<string[]>;
  /** Which answers are stored, without reading them (a listing: cheap however many there are). */
  refs(): Promise<AnswerRef[]>;
}

export interface AnswerRef {
  form: string;
  id: string;
}

export const DEFAULT_ANSWERS_DIR = "reponses";
const DISCARDED_DIR = "_ecartees";
const UNREADABLE_DIR = "_illisibles";


/** <id>.json is version 1, <id>.v<n>.json version n. */
const VERSION_FILE = /^([a-f0-9]{24})(?:\.v(\d{1,6}))?\.json$/;
const versionFile = (id: string, version: number) => (version === 1 ? `${id}.json` : `${id}.v${version}.json`);

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === "ENOENT";

async function readdirOrEmpty(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

export class DiskAnswerStore implements AnswerStore {
  constructor(readonly dir: string) {}

  /** Writes `content` durably under `final`, only if that name is free. */
  private async writeNew(folder: string, final: string, content: string): Promise<boolean> {
    await mkdir(folder, { recursive: true });
    const temp = join(folder, `.tmp-${randomBytes(8).toString("hex")}`);
    const handle = await open(temp, "wx");
    try {
      await handle.writeFile(content, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(temp, join(folder, final));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw error;
    } finally {
      await unlink(temp);
    }
    await fsyncPath(folder);
    return true;
  }

  /** The latest version of an answer and its number (0 when there is none). */
  private async latest(form: string, id: string): Promise<{ version: number; answer?: Answer }> {
    const versions = (await readdirOrEmpty(join(this.dir, form)))
      .map((file) => VERSION_FILE.exec(file))
      .filter((m): m is RegExpExecArray => m !== null && m[1] === id)
      .map((m) => Number(m[2] ?? 1))
      .sort((a, b) => b - a);
    const version = versions[0] ?? 0;
    if (version === 0) return { version };
    const parsed: unknown = JSON.parse(await readFile(join(this.dir, form, versionFile(id, version)), "utf8"));
    if (!isAnswer(parsed)) throw new Error(`${join(this.dir, form, versionFile(id, version))} n'est pas une réponse valide`);
    return { version, answer: parsed };
  }

  async put(answer: Answer): Promise<PutResult> {
    // Both become path segments: refuse anything that could escape the folder.
    checkAnswerKey(answer.form, answer.id);
    const folder = join(this.dir, answer.form);
    // The common case, a new answer, is one write with no read.
    const json = (a: Answer) => `${JSON.stringify(a, null, 2)}\n`;
    if (await this.writeNew(folder, versionFile(answer.id, 1), json(answer))) return "created";
    for (;;) {
      const { version, answer: stored } = await this.latest(answer.form, answer.id);
      const merged = mergeAnswer(stored, answer);
      if (merged.result === "duplicate") return "duplicate";
      // Another writer took this version number first: read its version and merge again.
      if (await this.writeNew(folder, versionFile(answer.id, version + 1), json(merged.answer))) return stored ? "updated" : "created";
    }
  }

  async has(form: string, id: string): Promise<boolean> {
    if (!isAnswerKey(form, id)) return false;
    try {
      await access(join(this.dir, form, `${id}.json`));
      return true;
    } catch {
      return false;
    }
  }

  async get(form: string, id: string): Promise<Answer | undefined> {
    if (!isAnswerKey(form, id)) return undefined;
    return (await this.latest(form, id)).answer;
  }

  async forms(): Promise<string[]> {
    try {
      return (await readdir(this.dir, { withFileTypes: true })).filter((d) => d.isDirectory() && SLUG.test(d.name)).map((d) => d.name);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  }

  async refs(): Promise<AnswerRef[]> {
    const refs: AnswerRef[] = [];
    for (const form of await this.forms()) {
      const ids = new Set((await readdirOrEmpty(join(this.dir, form))).map((file) => VERSION_FILE.exec(file)?.[1]).filter((id) => id !== undefined));
      for (const id of ids) refs.push({ form, id });
    }
    return refs;
  }

  async scan(form?: string): Promise<Scan> {
    const forms = form ? [form] : await this.forms();
    const answers: Answer[] = [];
    const setAside: string[] = [];
    for (const name of forms) {
      if (!SLUG.test(name)) continue;
      const latest = new Map<string, { version: number; file: string }>();
      for (const file of await readdirOrEmpty(join(this.dir, name))) {
        const match = VERSION_FILE.exec(file);
        if (!match) continue;
        const [, id = "", n] = match;
        const version = Number(n ?? 1);
        if ((latest.get(id)?.version ?? 0) < version) latest.set(id, { version, file });
      }
      for (const { file } of latest.values()) {
        const path = join(this.dir, name, file);
        let text: string;
        try {
          text = await readFile(path, "utf8");
        } catch (error) {
          if (isMissing(error)) continue; // deleted meanwhile
          throw error;
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        if (isAnswer(parsed) && parsed.form === name) {
          answers.push(parsed);
          continue;
        }
        // Kept for a person to look at, out of the way of every later export.
        const aside = join(this.dir, UNREADABLE_DIR, name);
        await mkdir(aside, { recursive: true });
        await rename(path, join(aside, file));
        setAside.push(join(aside, file));
      }
    }
    return { answers: answers.sort(bySubmission), setAside };
  }

  /** Every answer, oldest first (what scan finds, without its report of unreadable entries). */
  async list(form?: string): Promise<Answer[]> {
    return (await this.scan(form)).answers;
  }

  async delete(form: string, id: string): Promise<boolean> {
    if (!isAnswerKey(form, id)) return false;
    const files = (await readdirOrEmpty(join(this.dir, form))).filter((file) => VERSION_FILE.exec(file)?.[1] === id);
    await Promise.all(files.map((file) => unlink(join(this.dir, form, file)).catch((error: unknown) => (isMissing(error) ? undefined : Promise.reject(error)))));
    return files.length > 0;
  }

  async discard(form: string, reason: DiscardReason, at: number): Promise<void> {
    if (!SLUG.test(form)) throw new Error(`invalid form: ${form}`);
    // One file per event, the reason in its name: concurrent counts never overwrite each other,
    // and counting is a directory listing.
    const name = `${reason}.${new Date(at).toISOString().replace(/[:.]/g, "-")}.${randomBytes(6).toString("hex")}`;
    await this.writeNew(join(this.dir, DISCARDED_DIR, form), name, "");
  }

  async discarded(form: string): Promise<DiscardCounts> {
    const counts: DiscardCounts = {};
    for (const file of await readdirOrEmpty(join(this.dir, DISCARDED_DIR, form))) {
      const reason = file.split(".")[0] as DiscardReason;
      if (reason in DISCARD_REASONS) counts[reason] = (counts[reason] ?? 0) + 1;
    }
    return counts;
  }
}
