// The current communes (from build/communes.json, see communes-build.ts) and the two ways the kit
// looks one up: search, as the citizen types (the /api/communes autocomplete), and resolve, when
// a form is sent with a commune typed but not chosen in the list (without JavaScript). Both read
// the query the same way: a name, a postcode, or both (« Bondy », « 93140 », « Bondy (93140) »).
// No Node built-in here: the file is read by communes-file.ts.

export interface Commune {
  /** The INSEE code (code officiel géographique): 93010, 2A004. */
  code: string;
  name: string;
  postcodes: readonly string[];
  /** The département's code: 93, 2A, 974. */
  departement: string;
}

/**
 * A commune as build/communes.json stores it: [code, name, postcodes, département]. The rows come
 * most populated first, which is all the suggestions need of the population.
 */
export type CommuneRow = [string, string, string[], string];

export const COMMUNE_INDEX_FORMAT = 1;

export interface CommuneIndexFile {
  format: typeof COMMUNE_INDEX_FORMAT;
  /** The package and version the communes come from. */
  source: string;
  /** Most populated first: a scan in this order meets the likeliest commune first. */
  communes: CommuneRow[];
}

// ---------------------------------------------------------------------------------------------
// Reading what people type

/** Abbreviations of commune names, expanded only once the next word has begun (« St » alone may be Strasbourg). */
const ABBREVIATIONS: Record<string, string> = { st: "saint", ste: "sainte", sts: "saints", stes: "saintes" };

/**
 * A name as compared: no accents or case, ligatures spelled out, any punctuation (hyphens,
 * apostrophes, brackets) a single space; « St-Denis » and « saint denis » are the same. Each step
 * only when it has something to do: a function's cold start folds all 35 000 names.
 */
export function foldName(text: string): string {
  let folded = text.toLowerCase();
  if (/[^\x00-\x7f]/.test(folded)) folded = folded.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/œ/g, "oe").replace(/æ/g, "ae");
  if (folded.includes("/")) folded = folded.replace(/\bs\/\s*/g, "sur "); // « Neuilly s/ Seine »
  if (folded.includes("st")) folded = folded.replace(/\b(st|ste|sts|stes)(?=[^a-z0-9])/g, (word: string) => ABBREVIATIONS[word] ?? word);
  return folded.replace(/[^a-z0-9]+/g, " ").trim();
}

/** « Le Raincy » is « Raincy » to many: the article is tried off when nothing matches with it. */
const withoutArticle = (folded: string): string => folded.replace(/^(le|la|les|l) /, "");

/** « Paris 11e », « Lyon 3ème arrondissement », « Marseille 1er »: the commune, as the State counts it. */
const ARRONDISSEMENT = /^(paris|lyon|marseille) (\d{1,2}) ?(?:er|ere|e|eme|ieme)?(?: arrondissement| arrdt| arr)?$/;

/** What a query asks for: a folded name, and a postcode, a département or an INSEE code written with it. */
export interface CommuneQuery {
  name: string;
  /** Digits: a whole postcode (93140), the start of one (931), a département (93, 974) or an INSEE code (93010). */
  number?: string;
  /** Corsica's 2A or 2B, which only a département code can be. */
  corsica?: string;
}

export function readQuery(text: string): CommuneQuery {
  const folded = foldName(text);
  const arrondissement = ARRONDISSEMENT.exec(folded);
  if (arrondissement) return { name: arrondissement[1] as string };
  const words: string[] = [];
  let number: string | undefined;
  let corsica: string | undefined;
  for (const word of folded.split(" ")) {
    if (number === undefined && /^\d{1,5}$/.test(word)) number = word;
    else if (corsica === undefined && /^2[ab]$/.test(word) && words.length > 0) corsica = word.toUpperCase();
    else if (word !== "") words.push(word);
  }
  return { name: words.join(" "), ...(number !== undefined ? { number } : {}), ...(corsica !== undefined ? { corsica } : {}) };
}

// ---------------------------------------------------------------------------------------------

/** What a typed commune turned out to be. */
export type Resolution =
  | { kind: "found"; commune: Commune }
  /** Several communes answer to it: by name (homonyms) or by postcode (one shared by several). */
  | { kind: "several"; by: "name" | "postcode"; communes: Commune[] }
  /** The name exists, but not with that postcode. */
  | { kind: "mismatch"; communes: Commune[]; number: string }
  | { kind: "none" };

interface Entry extends Commune {
  folded: string;
  bare: string;
}

export class CommuneIndex {
  private readonly entries: Entry[];
  private readonly byCodeMap: Map<string, Entry>;

  constructor(rows: readonly CommuneRow[]) {
    this.entries = rows.map(([code, name, postcodes, departement]) => {
      const folded = foldName(name);
      return { code, name, postcodes, departement, folded, bare: withoutArticle(folded) };
    });
    this.byCodeMap = new Map(this.entries.map((entry) => [entry.code, entry]));
  }

  get size(): number {
    return this.entries.length;
  }

  /** A commune by its INSEE code (an arrondissement's is not one: Paris is 75056, not 75111). */
  byCode(code: string): Commune | undefined {
    const entry = this.byCodeMap.get(code.toUpperCase());
    return entry && publicOf(entry);
  }

  /**
   * The communes a query may mean, best first: names that start with it, then names with a later
   * word that does (« raincy » → Le Raincy); the most populated first within each, as people
   * type a name from its start and most live in the larger communes. Digits alone are a postcode
   * (the exact one first) or its beginning.
   */
  search(text: string, limit: number): Commune[] {
    const query = readQuery(text);
    if (query.name === "" && query.number === undefined) return [];
    const ranks: Entry[][] = [[], []];
    const laterWord = ` ${query.name}`;
    for (const entry of this.entries) {
      if (!matchesNumber(entry, query)) continue;
      const rank = query.name === "" ? numberRank(entry, query.number as string) : nameRank(entry, query.name, laterWord);
      if (rank < 0) continue;
      (ranks[rank] as Entry[]).push(entry);
      // Entries come most populated first: the best rank, once full, cannot be bettered.
      if (rank === 0 && (ranks[0] as Entry[]).length >= limit) break;
    }
    return ranks.flat().slice(0, limit).map(publicOf);
  }

  /**
   * The one commune a typed answer designates, or why there is none: its whole name (article
   * optional), narrowed by a postcode, a département or an INSEE code written with it; or a
   * postcode alone, when only one commune has it.
   */
  resolve(text: string): Resolution {
    const query = readQuery(text);
    if (query.name === "") {
      if (query.number === undefined || query.number.length !== 5) return { kind: "none" };
      const number = query.number;
      const withPostcode = this.entries.filter((entry) => entry.postcodes.includes(number));
      if (withPostcode.length > 1) return { kind: "several", by: "postcode", communes: withPostcode.map(publicOf) };
      const found = withPostcode[0] ?? this.byCodeMap.get(number);
      return found ? { kind: "found", commune: publicOf(found) } : { kind: "none" };
    }
    let named = this.entries.filter((entry) => entry.folded === query.name);
    if (named.length === 0) named = this.entries.filter((entry) => entry.bare === withoutArticle(query.name));
    if (named.length === 0) return { kind: "none" };
    const narrowed = named.filter((entry) => matchesNumber(entry, query, true));
    if (narrowed.length === 1) return { kind: "found", commune: publicOf(narrowed[0] as Entry) };
    if (narrowed.length > 1) return { kind: "several", by: "name", communes: narrowed.map(publicOf) };
    return { kind: "mismatch", communes: named.map(publicOf), number: query.number ?? query.corsica ?? "" };
  }
}

const publicOf = ({ code, name, postcodes, departement }: Entry): Commune => ({ code, name, postcodes, departement });

/** 0: the name starts with the query; 1: a later word does (`laterWord`: the query after a space); -1: no match. */
function nameRank(entry: Entry, name: string, laterWord: string): number {
  if (entry.folded.startsWith(name)) return 0;
  return entry.folded.includes(laterWord) ? 1 : -1;
}

/** 0: that very postcode; 1: one that starts with it; -1: none. */
function numberRank(entry: Entry, number: string): number {
  if (entry.postcodes.includes(number)) return 0;
  return entry.postcodes.some((postcode) => postcode.startsWith(number)) || entry.departement === number ? 1 : -1;
}

/**
 * Whether a commune fits the digits (or the 2A/2B) written beside a name. While typing, the start
 * of a postcode is enough; resolving a sent answer (`whole`), five digits must be one of its
 * postcodes or its INSEE code (« Bondy (93010) », as the export writes it), fewer its département.
 */
function matchesNumber(entry: Entry, query: CommuneQuery, whole = false): boolean {
  if (query.corsica !== undefined && entry.departement !== query.corsica) return false;
  const number = query.number;
  if (number === undefined || query.name === "") return true;
  if (entry.departement === number) return true;
  if (whole) return number.length === 5 && (entry.postcodes.includes(number) || entry.code === number);
  return entry.postcodes.some((postcode) => postcode.startsWith(number)) || entry.code === number;
}
