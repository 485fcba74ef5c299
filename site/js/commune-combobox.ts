// « Commune »: the combobox (combobox.ts) over /api/communes, for the markup lib/forms/markup.ts
// renders (a text input, its listbox, a hidden input for the INSEE code).
// form.ts registers it: Alpine.data("communeCombobox", communeCombobox). Choosing a commune puts
// its INSEE code in the hidden input, so the form's validation (lib/forms/parse.ts) holds it to
// the territory as soon as the field is left; a commune typed without choosing is found by the
// server. The communes themselves stay on the server: only their API's types are imported.
import { COMMUNES_API_PATH, COMMUNES_DEFAULT_LIMIT, MIN_COMMUNE_QUERY_LENGTH, type CommuneResult } from "../../lib/places/geo-api.ts";
import { combobox, type ComboboxSource } from "./combobox.ts";

/** A suggestion as the list shows it (the markup's x-text reads `text`), and what the input then says. */
interface Suggestion {
  /** « Bondy (93140) »; « Paris (75) » for a commune with several postcodes. The server reads either back. */
  text: string;
  code: string;
}

function suggestionOf(commune: CommuneResult, query: string): Suggestion {
  // The postcode typed, when it is one of the commune's; its only one; else its département.
  const typed = /\d{5}/.exec(query)?.[0];
  const postcode = typed && commune.codesPostaux.includes(typed) ? typed : commune.codesPostaux.length === 1 ? commune.codesPostaux[0] : undefined;
  return { text: `${commune.nom} (${postcode ?? commune.codeDepartement})`, code: commune.code };
}

const COMMUNES: ComboboxSource<Suggestion> = {
  minLength: MIN_COMMUNE_QUERY_LENGTH,
  url: (query) => `${COMMUNES_API_PATH}?${new URLSearchParams({ q: query, limit: String(COMMUNES_DEFAULT_LIMIT) })}`,
  items: (body, query) => (body as CommuneResult[]).map((commune) => suggestionOf(commune, query)),
  label: (suggestion) => suggestion.text,
  id: (suggestion) => suggestion.code,
  words: {
    proposed: ["commune proposée", "communes proposées"],
    chosen: "Commune choisie",
    none: "Aucune commune trouvée. Vérifiez le nom, ou saisissez le code postal.",
    failed: "La recherche de communes ne répond pas : saisissez le nom de votre commune et son code postal.",
  },
};

export const communeCombobox = () => combobox(COMMUNES);
