// Where counts are kept: one small JSON document per key. Two implementations with the same
// behaviour: files on this machine (kit run locally, `netlify dev`), Netlify Blobs when deployed.
// Only what the ledger needs: no update in place, creation that fails when the key exists.
import { link, mkdir, open, readdir, readFile, rename, rm, unlink } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { dirname, join, sep } from "node:path";
import type { Store } from "@netlify/blobs";

/** Counts on this machine: a folder beside the answers' (STATS_DIR). */
export const DEFAULT_STATS_DIR = "statistiques";
/** Counts in Netlify Blobs: a store of their own, so listing them never walks the answers. */
export const STATS_STORE_NAME = "statistiques";

export interface KeyValueStore {
  /** Every key under the prefix. */
  list(prefix: string): Promise<string[]>;
  /** The document, or undefined when the key does not exist. */
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  /** Writes only if the key does not exist yet; false when it did (nothing written). */
  create(key: string, value: unknown): Promise<boolean>;
  delete(key: string): Promise<void>;
}

/** Files under a folder, one per key (key "a/b" → a/b.json), each written whole or not at all. */
export class DiskKeyValueStore implements KeyValueStore {
  constructor(readonly dir: string) {}

  private path(key: string): string {
    if (key.split("/").some((part) => part === "" || part === "." || part === "..")) throw new Error(`invalid key: ${key}`);
    return join(this.dir, `${key}.json`);
  }

  /**
   * A file written beside its destination and flushed to disk, then moved or linked into place:
   * readers never see half of it, and a crash right after never leaves an empty one.
   */
  private async draft(path: string, value: unknown): Promise<string> {
    await mkdir(dirname(path), { recursive: true });
    const draft = join(dirname(path), `.${randomBytes(6).toString("hex")}.tmp`);
    const handle = await open(draft, "wx");
    try {
      await handle.writeFile(JSON.stringify(value));
      await handle.sync();
    } finally {
      await handle.close();
    }
    return draft;
  }

  async list(prefix: string): Promise<string[]> {
    let entries: string[];
    try {
      entries = await readdir(this.dir, { recursive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    return entries
      .filter((entry) => entry.endsWith(".json") && !entry.split(sep).some((part) => part.startsWith(".")))
      .map((entry) => entry.split(sep).join("/").slice(0, -".json".length))
      .filter((key) => key.startsWith(prefix));
  }

  async get(key: string): Promise<unknown> {
    try {
      return JSON.parse(await readFile(this.path(key), "utf8")) as unknown;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  async set(key: string, value: unknown): Promise<void> {
    const path = this.path(key);
    await rename(await this.draft(path, value), path);
  }

  async create(key: string, value: unknown): Promise<boolean> {
    const path = this.path(key);
    const draft = await this.draft(path, value);
    try {
      await link(draft, path); // fails if the key exists, atomically
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw error;
    } finally {
      await unlink(draft);
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}

/** A Netlify Blobs store (its own, so listing counts never walks the answers). */
export class BlobsKeyValueStore implements KeyValueStore {
  constructor(readonly store: Store) {}

  async list(prefix: string): Promise<string[]> {
    const { blobs } = await this.store.list({ prefix });
    return blobs.map((blob) => blob.key);
  }

  async get(key: string): Promise<unknown> {
    return (await this.store.get(key, { type: "json" })) ?? undefined;
  }

  async set(key: string, value: unknown): Promise<void> {
    await this.store.setJSON(key, value);
  }

  async create(key: string, value: unknown): Promise<boolean> {
    return (await this.store.setJSON(key, value, { onlyIfNew: true })).modified;
  }

  async delete(key: string): Promise<void> {
    await this.store.delete(key);
  }
}
