// « Adresse »: the combobox (combobox.ts) over /api/address, for the markup lib/forms/markup.ts
// renders. form.ts registers it: Alpine.data("addressCombobox", addressCombobox). The pure parts
// are exported for the tests; the component only wires them to the page.
import { MIN_QUERY_LENGTH, type AddressCollection, type AddressFeature } from "../../lib/address/geocodejson.ts";
import { combobox, type ComboboxSource } from "./combobox.ts";

export const ADDRESS_API_PATH = "/api/address";

export interface Near {
  lat: number;
  lon: number;
}

/** The territory's centre the build wrote on the field's group (data-kit-lat, data-kit-lon), if any. */
export function nearOf(data: Partial<Record<string, string>>): Near | undefined {
  if (!data.kitLat || !data.kitLon) return undefined;
  const lat = Number(data.kitLat);
  const lon = Number(data.kitLon);
  return Number.isFinite(lat) && Number.isFinite(lon) ? { lat, lon } : undefined;
}

/**
 * The search for what is typed, favouring what is near the territory's centre: lat/lon, not
 * citycode, which the BAN (and /api/address) read as a filter: the addresses outside the territory
 * would vanish from the list instead of showing as such.
 */
export function addressSearchUrl(query: string, near?: Near): string {
  const params = new URLSearchParams({ q: query, limit: "5", autocomplete: "1" });
  if (near) {
    params.set("lat", String(near.lat));
    params.set("lon", String(near.lon));
  }
  return `${ADDRESS_API_PATH}?${params}`;
}

const ADDRESSES: ComboboxSource<AddressFeature> = {
  minLength: MIN_QUERY_LENGTH,
  url: (query, group) => addressSearchUrl(query, nearOf(group.dataset)),
  items: (body) => (body as AddressCollection).features,
  label: (feature) => feature.properties.label,
  id: (feature) => feature.properties.id,
  words: {
    proposed: ["adresse proposée", "adresses proposées"],
    chosen: "Adresse choisie",
    none: "Aucune adresse trouvée. Vérifiez votre saisie, ou continuez sans choisir dans la liste.",
    failed: "La recherche d'adresse ne répond pas : saisissez votre adresse complète.",
  },
};

export const addressCombobox = () => combobox(ADDRESSES);
