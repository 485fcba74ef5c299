// How queries and addresses are compared: case, accents, punctuation and the abbreviations
// people type do not matter. The same function folds the index and the query.

// Maps, not plain objects: a query word such as "constructor" must not find Object.prototype's.

/** Abbreviations and synonyms, folded to the word the BAN writes. */
export const ABBREVIATIONS: ReadonlyMap<string, string> = new Map(Object.entries({
  all: "allee", av: "avenue", ave: "avenue", avn: "avenue", bd: "boulevard", bld: "boulevard", blvd: "boulevard",
  boul: "boulevard", bvd: "boulevard", ch: "chemin", chem: "chemin", che: "chemin", crs: "cours",
  fg: "faubourg", fbg: "faubourg", gal: "general", gen: "general", imp: "impasse", lot: "lotissement",
  mal: "marechal", pass: "passage", pdt: "president", pl: "place", pr: "professeur", prof: "professeur",
  qu: "quai", r: "rue", res: "residence", rte: "route", rpt: "rond point", sent: "sentier", sq: "square",
  st: "saint", ste: "sainte", sts: "saints", vla: "villa", dr: "docteur", mgr: "monseigneur", cdt: "commandant",
  lt: "lieutenant", cne: "capitaine",
}));

/** House number suffixes ("indices de répétition"), in the forms people and the BAN write them. */
const SUFFIXES: ReadonlyMap<string, string> = new Map(Object.entries({
  b: "bis", bis: "bis", t: "ter", ter: "ter", q: "quater", qua: "quater", quater: "quater", quinquies: "quinquies",
}));

/** The suffixes in the form the index and the queries write them. */
export const HOUSE_SUFFIXES: ReadonlySet<string> = new Set(SUFFIXES.values());

/** Ordinals as people write them: "2ème", "2eme", "2ieme" → "2e"; "1ère" → "1er". */
const ORDINAL_FORMS: ReadonlyMap<string, string> = new Map(Object.entries({ eme: "e", ieme: "e", em: "e", ere: "er" }));

/** Words that carry no meaning for matching ("rue de la paix" = "rue paix"). */
export const STOPWORDS: ReadonlySet<string> = new Set(["de", "du", "des", "la", "le", "les", "l", "d", "a", "au", "aux", "en", "et", "sur", "sous"]);

/**
 * The types of street, as the index writes them: like the small words, they tell no street apart
 * ("rue" is in most of them), so a query that shares only these with the index finds nothing.
 */
export const STREET_TYPES: ReadonlySet<string> = new Set([
  "rue", "avenue", "boulevard", "place", "impasse", "allee", "chemin", "square", "passage", "quai", "villa", "cite",
  "cours", "route", "sentier", "voie", "cour", "ruelle", "esplanade", "promenade", "parvis", "galerie", "hameau",
  "port", "pont", "porte", "jardin", "carrefour", "sente", "lotissement", "residence",
]);

/** A token that is a number: a house number, a postcode, an arrondissement. */
export const isNumber = (token: string): boolean => /^\d+$/.test(token);

/** Lower case, no accents, ligatures opened, punctuation and hyphens as spaces. */
export function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/œ/g, "oe")
    .replace(/æ/g, "ae")
    .replace(/ß/g, "ss")
    .replace(/\bs\/\s*/g, "sur ")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/**
 * The tokens of a text, folded, abbreviations expanded, numbers split from their suffix
 * ("19bis" → "19", "bis"; "19 b" → "19", "bis").
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const word of fold(text).split(" ")) {
    if (!word) continue;
    const numbered = /^(\d+)([a-z]+)$/.exec(word);
    const parts = numbered ? [numbered[1] as string, numbered[2] as string] : [word];
    for (const part of parts) {
      const previous = tokens[tokens.length - 1];
      const afterNumber = previous !== undefined && isNumber(previous);
      const suffix = afterNumber ? (SUFFIXES.get(part) ?? ORDINAL_FORMS.get(part)) : undefined;
      if (suffix) tokens.push(suffix);
      else tokens.push(...(ABBREVIATIONS.get(part) ?? part).split(" "));
    }
  }
  return tokens;
}

/** The canonical form of a house number with its suffix: "19", "b" → "19 bis". */
export function houseNumber(numero: string, rep: string): string {
  const suffix = rep.trim().toLowerCase();
  return suffix ? `${numero} ${SUFFIXES.get(suffix) ?? suffix}` : numero;
}

// Real exports sometimes come double-encoded (UTF-8 read as Windows-1252 and saved again as UTF-8:
// "AllÃ©e" for "Allée"). Such text is mended by mapping it back to bytes and decoding as UTF-8.
// Node decodes "windows-1252" as Latin-1, so the 0x80–0x9F block (€, ‚, ’, ™…) is spelled out.
const CP1252_HIGH = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ";
const TO_BYTE = new Map<string, number>();
for (let byte = 0; byte < 256; byte++) {
  TO_BYTE.set(byte >= 0x80 && byte < 0xa0 ? (CP1252_HIGH[byte - 0x80] as string) : String.fromCharCode(byte), byte);
}
const MOJIBAKE = /[ÃÂâ][\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02c6\u02dc€]/;

export function repairMojibake(text: string): string {
  if (!MOJIBAKE.test(text)) return text;
  const bytes: number[] = [];
  for (const char of text) {
    const byte = TO_BYTE.get(char);
    if (byte === undefined) return text;
    bytes.push(byte);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return text;
  }
}
