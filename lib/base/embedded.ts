// The embedded base: data/base/<Table>.json, each in the shape of Airtable's list-records answer
// ({ "records": [{ "id", "fields" }] }), so the same validation serves both sources.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { BaseValidationError, type BaseRecord, type RawBase } from "./model.ts";
import { QUESTIONS, SERVICES, SITE } from "./tables.ts";

export const DEFAULT_BASE_DIR = "data/base";

const TableFile = z.object({
  records: z.array(
    z.object({
      id: z.string().min(1),
      createdTime: z.string().optional(),
      fields: z.record(z.string(), z.unknown()),
    }),
  ),
});

async function readTable(dir: string, table: string): Promise<BaseRecord[]> {
  const path = join(dir, `${table}.json`);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new BaseValidationError([{ table, message: `fichier ${path} illisible (${(error as Error).message})` }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BaseValidationError([{ table, message: `${path} n'est pas un JSON valide : ${(error as Error).message}` }]);
  }
  const parsed = TableFile.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join(".") ?? "";
    throw new BaseValidationError([
      { table, message: `${path} doit avoir la forme { "records": [{ "id": "rec…", "fields": { … } }] } (problème en « ${where} »)` },
    ]);
  }
  const ids = new Set<string>();
  for (const record of parsed.data.records) {
    if (ids.has(record.id)) throw new BaseValidationError([{ table, recordId: record.id, message: "cet identifiant apparaît deux fois" }]);
    ids.add(record.id);
  }
  return parsed.data.records;
}

export async function readEmbeddedBase(dir = DEFAULT_BASE_DIR): Promise<RawBase> {
  const [site, services, questions] = await Promise.all([
    readTable(dir, SITE.name),
    readTable(dir, SERVICES.name),
    readTable(dir, QUESTIONS.name),
  ]);
  return { site, services, questions };
}
