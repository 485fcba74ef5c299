// /api/communes speaks geo.api.gouv.fr's /communes: the same answer shape, so a page written for
// either works with the other. Browser-safe: the combobox (site/js/commune-combobox.ts) imports it.

export const COMMUNES_API_PATH = "/api/communes";

/** The combobox asks from 2 characters (a département's number); the API answers from 1 (« Y » is a commune). */
export const MIN_COMMUNE_QUERY_LENGTH = 2;
export const COMMUNES_DEFAULT_LIMIT = 5;
export const COMMUNES_MAX_LIMIT = 20;
export const COMMUNES_QUERY_MAX = 100;

/** One commune, as geo.api.gouv.fr answers it (fields nom, code, codesPostaux, codeDepartement). */
export interface CommuneResult {
  nom: string;
  /** The INSEE code. */
  code: string;
  codesPostaux: string[];
  codeDepartement: string;
}

/** A refusal, with what to correct (the address API's shape, in French). */
export interface CommunesError {
  code: number;
  message: string;
  detail: string[];
}
