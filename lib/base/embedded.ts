// The embedded base: data/base/<Table>.json, each in the shape of Airtable's list-records answer
// ({ "records": [{ "id", "fields" }] }), so the same validation serves both sources. The files are
// edited by hand: a JSON mistake is located by line and column, and shown.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { BaseValidationError, type BaseRecord, type Problem, type RawBase } from "./model.ts";
import { HYPOTHESES, QUESTIONS, SERVICES, SITE, VARIANTS } from "./tables.ts";

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

// ---------------------------------------------------------------------------------------------
// JSON mistakes, located. JSON.parse says where only sometimes, by character count and in English:
// when it refuses a file, this reader finds the first mistake again and says what it is.

interface JsonMistake {
  /** Where, as an index into the text. */
  at: number;
  message: string;
}

class Mistake extends Error {
  constructor(
    readonly at: number,
    message: string,
  ) {
    super(message);
  }
}

const quote = (char: string | undefined): string => (char === undefined ? "la fin du fichier" : `« ${char} »`);

/** The first mistake in a JSON text, or undefined when there is none. */
export function findJsonMistake(text: string): JsonMistake | undefined {
  let i = 0;
  /** The brackets open at i, to say which are missing when the file stops short. */
  const open: string[] = [];
  const end = () => text.trimEnd().length;
  const skipSpace = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const wordAt = (from: number) => /^[^\s,:[\]{}"]+/u.exec(text.slice(from))?.[0] ?? text[from] ?? "";
  const unfinished = () =>
    new Mistake(end(), `le fichier s'arrête avant la fin : il manque « ${[...open].reverse().join(" ")} » pour fermer ce qui est ouvert`);

  const string = (): string => {
    const start = i++;
    for (;;) {
      const char = text[i];
      if (char === undefined) throw new Mistake(start, "texte non fermé : il manque le guillemet « \" » de fin");
      if (char === '"') return text.slice(start + 1, i++);
      if (char === "\n" || char === "\r") {
        throw new Mistake(i, "texte non fermé avant la fin de la ligne : il manque le guillemet « \" » de fin (pour un retour à la ligne dans le texte, écrivez \\n)");
      }
      if (char === "\t") throw new Mistake(i, "une tabulation dans un texte s'écrit \\t");
      if (char < " ") throw new Mistake(i, "caractère de contrôle invisible dans le texte : supprimez-le");
      if (char === "\\") {
        const next = text[i + 1];
        if (next === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
        else throw new Mistake(i, "« \\ » seul n'est pas permis dans un texte : écrivez \\\\ pour une barre oblique inverse, \\\" pour un guillemet");
        continue;
      }
      i++;
    }
  };

  const number = () => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    const next = text[i + (match?.[0].length ?? 0)];
    if (!match || (next !== undefined && /[\w.]/.test(next))) {
      throw new Mistake(i, `nombre mal écrit « ${wordAt(i)} » : un nombre s'écrit comme 12, -3 ou 1.5 (avec un point)`);
    }
    i += match[0].length;
  };

  const value = (): void => {
    skipSpace();
    const char = text[i];
    if (char === undefined) throw unfinished();
    if (char === "{") return object();
    if (char === "[") return array();
    if (char === '"') return void string();
    if (char === "-" || (char >= "0" && char <= "9")) return number();
    const word = wordAt(i);
    if (word === "true" || word === "false" || word === "null") {
      i += word.length;
      return;
    }
    if (char === "}" || char === "]" || char === ",") throw new Mistake(i, `valeur manquante avant ${quote(char)}`);
    if (char === "'" || char === "‘" || char === "’") {
      throw new Mistake(i, "un texte s'écrit entre guillemets droits doubles (\"…\"), pas entre apostrophes");
    }
    if (char === "“" || char === "”" || char === "«" || char === "»") {
      throw new Mistake(i, "un texte s'écrit entre guillemets droits doubles (\"…\"), pas entre guillemets typographiques");
    }
    throw new Mistake(
      i,
      `« ${word} » n'est pas une valeur : un texte s'écrit entre guillemets ("${word}"), une case à cocher true ou false, un nombre sans guillemets`,
    );
  };

  /** What follows a member or an element: a comma, or the closing bracket. */
  const separator = (closing: "}" | "]"): "more" | "done" => {
    const after = i;
    skipSpace();
    const char = text[i];
    if (char === ",") return "more";
    if (char === closing) {
      i++;
      open.pop();
      return "done";
    }
    if (char === undefined) throw unfinished();
    // Another value starts: the comma is missing where the last one ends.
    if (/["{[\-\dtfn]/.test(char)) throw new Mistake(after, "il manque une virgule « , » après cette valeur");
    throw new Mistake(i, `${quote(char)} inattendu : il faut une virgule « , » entre deux valeurs, ou « ${closing} » pour fermer`);
  };

  const object = () => {
    i++; // {
    open.push("}");
    skipSpace();
    if (text[i] === "}") {
      i++;
      open.pop();
      return;
    }
    for (;;) {
      skipSpace();
      const char = text[i];
      if (char === ",") throw new Mistake(i, "virgule en trop : supprimez-la");
      if (char !== '"') {
        const comma = text.lastIndexOf(",", i - 1);
        if ((char === "}" || char === undefined) && comma >= 0 && text.slice(comma + 1, i).trim() === "") {
          throw new Mistake(comma, "virgule en trop après le dernier champ : supprimez-la");
        }
        if (char === undefined) throw unfinished();
        if (/\d/.test(char) && /\d/.test(text[comma - 1] ?? "") && comma === i - 1) {
          throw new Mistake(comma, "un nombre à virgule s'écrit avec un point : 1.5");
        }
        if (char === "'") throw new Mistake(i, "un nom de champ s'écrit entre guillemets droits doubles (\"…\"), pas entre apostrophes");
        throw new Mistake(i, `nom de champ attendu, entre guillemets droits doubles : "${wordAt(i)}"`);
      }
      const name = string();
      skipSpace();
      if (text[i] !== ":") throw new Mistake(i, `il manque « : » après le nom de champ « ${name} »`);
      i++;
      value();
      if (separator("}") === "done") return;
      i++; // ,
    }
  };

  const array = () => {
    i++; // [
    open.push("]");
    skipSpace();
    if (text[i] === "]") {
      i++;
      open.pop();
      return;
    }
    for (;;) {
      skipSpace();
      if (text[i] === ",") throw new Mistake(i, "virgule en trop : supprimez-la");
      if (text[i] === "]") {
        throw new Mistake(text.lastIndexOf(",", i - 1), "virgule en trop après le dernier élément de la liste : supprimez-la");
      }
      value();
      if (separator("]") === "done") return;
      i++; // ,
    }
  };

  try {
    skipSpace();
    if (i === text.length) throw new Mistake(0, 'le fichier est vide : il doit contenir { "records": [ … ] }');
    value();
    skipSpace();
    if (i < text.length) throw new Mistake(i, `texte en trop après la fin des données (${quote(text[i])} en trop ?)`);
    return undefined;
  } catch (error) {
    if (error instanceof Mistake) return { at: error.at, message: error.message };
    throw error;
  }
}

const EXCERPT_WIDTH = 80;

/** "ligne 12, colonne 7", then the line and a caret under the column. */
export function locate(text: string, at: number): { line: number; column: number; excerpt: string } {
  const lineStart = at === 0 ? 0 : text.lastIndexOf("\n", at - 1) + 1;
  const lineEnd = text.indexOf("\n", lineStart);
  const line = text.slice(0, lineStart).split("\n").length;
  const chars = Array.from(text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd).replace(/\r$/, ""));
  const before = Array.from(text.slice(lineStart, at)).length;
  // A long line (a file written on one line) is shown around the column.
  const from = chars.length > EXCERPT_WIDTH ? Math.max(0, Math.min(before - EXCERPT_WIDTH / 2, chars.length - EXCERPT_WIDTH)) : 0;
  const to = Math.min(chars.length, from + EXCERPT_WIDTH);
  const shown = (from > 0 ? "…" : "") + chars.slice(from, to).join("") + (to < chars.length ? "…" : "");
  // Tabs stay tabs under the line, so the caret lines up whatever their width.
  const padding = (from > 0 ? " " : "") + chars.slice(from, before).map((c) => (c === "\t" ? "\t" : " ")).join("");
  const gutter = String(line);
  const excerpt = `${gutter} | ${shown}\n${" ".repeat(gutter.length)} | ${padding}^`;
  return { line, column: before + 1, excerpt };
}

function jsonProblem(table: string, path: string, text: string, error: Error): Problem {
  const mistake = findJsonMistake(text) ?? positionOf(error);
  if (!mistake) return { table, message: `${path} n'est pas un JSON valide : ${error.message}` };
  const { line, column, excerpt } = locate(text, mistake.at);
  return { table, message: `${path} n'est pas un JSON valide, ligne ${line}, colonne ${column} : ${mistake.message}\n${excerpt}` };
}

/** JSON.parse's own position, should the reader above find nothing (it should not happen). */
function positionOf(error: Error): JsonMistake | undefined {
  const at = /at position (\d+)/.exec(error.message)?.[1];
  return at === undefined ? undefined : { at: Number(at), message: error.message };
}

// ---------------------------------------------------------------------------------------------

/** Tables a kit may do without: no file reads as an empty table. */
const OPTIONAL_TABLES: ReadonlySet<string> = new Set([VARIANTS.name, HYPOTHESES.name]);

async function readTable(dir: string, table: string): Promise<BaseRecord[]> {
  const path = join(dir, `${table}.json`);
  let text: string;
  try {
    // An editor may start the file with a byte order mark: it is not part of the JSON.
    text = (await readFile(path, "utf8")).replace(/^\uFEFF/, "");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" && OPTIONAL_TABLES.has(table)) return [];
    throw new BaseValidationError([{ table, message: `fichier ${path} illisible (${(error as Error).message})` }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BaseValidationError([jsonProblem(table, path, text, error as Error)]);
  }
  const parsed = TableFile.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join(".") ?? "";
    throw new BaseValidationError([
      { table, message: `${path} doit avoir la forme { "records": [{ "id": "rec…", "fields": { … } }] } (problème en « ${where} »)` },
    ]);
  }
  const ids = new Set<string>();
  const problems: Problem[] = [];
  for (const record of parsed.data.records) {
    if (ids.has(record.id)) problems.push({ table, recordId: record.id, message: "cet identifiant apparaît deux fois" });
    ids.add(record.id);
  }
  if (problems.length > 0) throw new BaseValidationError(problems);
  return parsed.data.records;
}

/** Reads the files; a problem in one does not hide those of the others. */
export async function readEmbeddedBase(dir = DEFAULT_BASE_DIR): Promise<RawBase> {
  const tables = [SITE, SERVICES, QUESTIONS, VARIANTS, HYPOTHESES].map((table) => table.name);
  const results = await Promise.allSettled(tables.map((table) => readTable(dir, table)));
  const problems = results.flatMap((result) =>
    result.status === "rejected" && result.reason instanceof BaseValidationError ? result.reason.problems : [],
  );
  const failure = results.find((result) => result.status === "rejected" && !(result.reason instanceof BaseValidationError));
  if (failure?.status === "rejected") throw failure.reason;
  if (problems.length > 0) throw new BaseValidationError(problems);
  const [site, services, questions, variants, hypotheses] = results.map((result) => (result.status === "fulfilled" ? result.value : []));
  // Hand-written: a field the tables do not define is a typo.
  return {
    site: site ?? [],
    services: services ?? [],
    questions: questions ?? [],
    variants: variants ?? [],
    hypotheses: hypotheses ?? [],
    strictFields: true,
  };
}
