// Durable answer storage on disk, used when no Airtable base is connected.
// One JSON file per answer under <dir>/<form>/<id>.json. A file is written whole to a temporary
// name, flushed to disk, then linked to its final name: link() fails if the name exists, which
// makes "store once" atomic even when two requests with the same id race.
import { randomBytes } from "node:crypto";
import { access, link, mkdir, open, readdir, readFile, unlink } from "node:fs/promises";
import { join, resolve } from "node:path";
import { SLUG } from "../forms/definitions.ts";
import { bySubmission, checkAnswerKey, isAnswerKey, type Answer } from "./answer.ts";

export interface AnswerStore {
  /** Stores the answer durably; "duplicate" when an answer with this id was already stored. */
  put(answer: Answer): Promise<"created" | "duplicate">;
  has(form: string, id: string): Promise<boolean>;
  list(form?: string): Promise<Answer[]>;
}

export const DEFAULT_ANSWERS_DIR = "reponses";

export function answersDir(env: Record<string, string | undefined> = process.env): string {
  return resolve(env.ANSWERS_DIR || DEFAULT_ANSWERS_DIR);
}


async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class DiskAnswerStore implements AnswerStore {
  constructor(readonly dir: string = answersDir()) {}

  async put(answer: Answer): Promise<"created" | "duplicate"> {
    // Both become path segments: refuse anything that could escape the folder.
    checkAnswerKey(answer.form, answer.id);
    const formDir = join(this.dir, answer.form);
    await mkdir(formDir, { recursive: true });
    const final = join(formDir, `${answer.id}.json`);
    const temp = join(formDir, `.tmp-${answer.id}-${randomBytes(6).toString("hex")}`);
    const handle = await open(temp, "wx");
    try {
      await handle.writeFile(`${JSON.stringify(answer, null, 2)}\n`, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(temp, final);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return "duplicate";
      throw error;
    } finally {
      await unlink(temp);
    }
    await fsyncPath(formDir);
    return "created";
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

  /** The forms that have answers stored, whether or not they are still in the base. */
  async forms(): Promise<string[]> {
    try {
      return (await readdir(this.dir, { withFileTypes: true })).filter((d) => d.isDirectory() && SLUG.test(d.name)).map((d) => d.name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
  }

  async list(form?: string): Promise<Answer[]> {
    const forms = form ? [form] : await this.forms();
    const answers: Answer[] = [];
    for (const name of forms) {
      let files: string[];
      try {
        files = await readdir(join(this.dir, name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
        throw error;
      }
      for (const file of files) {
        if (!file.endsWith(".json") || file.startsWith(".")) continue;
        answers.push(JSON.parse(await readFile(join(this.dir, name, file), "utf8")) as Answer);
      }
    }
    return answers.sort(bySubmission);
  }
}
