// Addresses are looked up on the server with the same provider as the autocomplete (the local
// index first), never taken from what the browser says:
// - a typed address (not chosen in the list, as without JavaScript) is held to the same rules as a
//   chosen one: inside the territory, and with a house number when the question requires one;
// - every address found, typed or chosen, is stored with its parts (postcode, INSEE code, commune,
//   coordinates) from the provider's result, so that answers can be counted by commune.
import { RemoteUnavailable, type AddressProvider } from "../address/providers.ts";
import type { AddressFeature } from "../address/geocodejson.ts";
import { hasTerritory, inTerritory, OUT_OF_TERRITORY } from "../address/territory.ts";
import type { FormDefinition } from "../forms/definitions.ts";
import type { AddressParts, AddressValue } from "../forms/field-spec.ts";
import { HOUSE_NUMBER_REQUIRED } from "../forms/parse.ts";
import type { FieldErrors, Values } from "../forms/validate.ts";

/** Below this score the best match is another address than the one typed. */
export const TYPED_ADDRESS_MIN_SCORE = 0.6;

/** How many results are searched for the address chosen in the list, by its label, to find its id among them. */
const CHOSEN_LOOKUP_LIMIT = 5;

export const ADDRESS_NOT_FOUND =
  "Nous ne trouvons pas cette adresse. Vérifiez le numéro, la voie et la commune, ou choisissez votre adresse dans la liste proposée.";

const isAddress = (value: unknown): value is AddressValue =>
  typeof value === "object" && value !== null && !Array.isArray(value) && typeof (value as AddressValue).label === "string";

/** The parts of an address as the provider found it. */
export function partsOf(feature: AddressFeature): AddressParts {
  const { postcode, citycode, city } = feature.properties;
  const [lon, lat] = feature.geometry.coordinates;
  return { postcode, citycode, city, lon, lat };
}

/**
 * Checks the addresses of valid values. Returns the errors (empty when none) and the values with
 * each address found completed: a typed one with its BAN id and its parts, a chosen one with its
 * parts (when the provider finds that very id again by its label; otherwise it stays as chosen).
 * When the lookup itself fails (the national service down), the address is kept as sent: an answer
 * is never refused for our outage.
 */
export async function checkAddresses(
  form: FormDefinition,
  values: Values,
  provider: AddressProvider,
): Promise<{ errors: FieldErrors; values: Values }> {
  const errors: FieldErrors = {};
  const checked: Values = { ...values };
  for (const field of form.fields) {
    const value = values[field.key];
    if (field.type !== "address" || !isAddress(value)) continue;
    // Only the label and the id come from the browser: parts it may have added are dropped.
    const sent: AddressValue = { label: value.label, ...(value.id ? { id: value.id } : {}) };
    checked[field.key] = sent;
    let features: AddressFeature[];
    try {
      features = await provider.search({ q: value.label, limit: value.id ? CHOSEN_LOOKUP_LIMIT : 1, autocomplete: false });
    } catch (error) {
      if (error instanceof RemoteUnavailable) continue;
      throw error;
    }
    if (value.id) {
      // Chosen in the list: parse.ts has held its id to the territory and the house number already.
      const same = features.find((feature) => feature.properties.id === value.id);
      if (same) checked[field.key] = { ...sent, ...partsOf(same) };
      continue;
    }
    const best = features[0];
    const found = best && best.properties.score >= TYPED_ADDRESS_MIN_SCORE ? best : undefined;
    if (!found) {
      // Without a match, the territory rule and the house number cannot be checked.
      if (hasTerritory(field.territory) || field.requireHouseNumber) errors[field.key] = ADDRESS_NOT_FOUND;
      continue;
    }
    if (!inTerritory(found.properties.citycode, field.territory)) errors[field.key] = OUT_OF_TERRITORY;
    else if (field.requireHouseNumber && found.properties.type !== "housenumber") errors[field.key] = HOUSE_NUMBER_REQUIRED;
    else checked[field.key] = { label: value.label, id: found.properties.id, ...partsOf(found) };
  }
  return { errors, values: checked };
}
