// A typed address (not chosen in the list, as without JavaScript) is looked up on the server with
// the same provider as the autocomplete (the local index first) and held to the same rules as a
// chosen one: inside the territory, and with a house number when the question requires one.
import { RemoteUnavailable, type AddressProvider } from "../address/providers.ts";
import { hasTerritory, inTerritory, OUT_OF_TERRITORY } from "../address/territory.ts";
import type { FormDefinition } from "../forms/definitions.ts";
import type { AddressValue } from "../forms/field-spec.ts";
import { HOUSE_NUMBER_REQUIRED } from "../forms/parse.ts";
import type { FieldErrors, Values } from "../forms/validate.ts";

/** Below this score the best match is another address than the one typed. */
export const TYPED_ADDRESS_MIN_SCORE = 0.6;

export const ADDRESS_NOT_FOUND =
  "Nous ne trouvons pas cette adresse. Vérifiez le numéro, la voie et la commune, ou choisissez votre adresse dans la liste proposée.";

const isAddress = (value: unknown): value is AddressValue =>
  typeof value === "object" && value !== null && !Array.isArray(value) && typeof (value as AddressValue).label === "string";

/**
 * Checks the typed addresses of valid values. Returns the errors (empty when none) and the values
 * with each address found completed with its BAN id. When the lookup itself fails (the national
 * service down), the address is kept as typed: an answer is never refused for our outage.
 */
export async function checkTypedAddresses(
  form: FormDefinition,
  values: Values,
  provider: AddressProvider,
): Promise<{ errors: FieldErrors; values: Values }> {
  const errors: FieldErrors = {};
  const checked: Values = { ...values };
  for (const field of form.fields) {
    const value = values[field.key];
    if (field.type !== "address" || !isAddress(value) || value.id) continue;
    let best;
    try {
      [best] = await provider.search({ q: value.label, limit: 1, autocomplete: false });
    } catch (error) {
      if (error instanceof RemoteUnavailable) continue;
      throw error;
    }
    const found = best && best.properties.score >= TYPED_ADDRESS_MIN_SCORE ? best.properties : undefined;
    if (!found) {
      // Without a match, the territory rule and the house number cannot be checked.
      if (hasTerritory(field.territory) || field.requireHouseNumber) errors[field.key] = ADDRESS_NOT_FOUND;
      continue;
    }
    if (!inTerritory(found.citycode, field.territory)) errors[field.key] = OUT_OF_TERRITORY;
    else if (field.requireHouseNumber && found.type !== "housenumber") errors[field.key] = HOUSE_NUMBER_REQUIRED;
    else checked[field.key] = { label: value.label, id: found.id };
  }
  return { errors, values: checked };
}
