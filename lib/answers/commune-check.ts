// A « Commune » answer, once the form's own checks passed (lib/forms/parse.ts), is completed on
// the server, which alone has the communes (build/communes.json): a commune chosen in the list
// gets its official name from its INSEE code; one typed (as without JavaScript: « bondy »,
// « 93140 », « Bondy (93140) ») is found by name and postcode, or refused with what to add. Either
// way it is held to the territory, as a chosen one already was in the browser.
import { COMMUNE_OUT_OF_TERRITORY, inTerritory } from "../address/territory.ts";
import type { FormDefinition } from "../forms/definitions.ts";
import type { AddressValue } from "../forms/field-spec.ts";
import type { FieldErrors, Values } from "../forms/validate.ts";
import type { Commune, CommuneIndex, Resolution } from "../places/communes.ts";

const isCommuneValue = (value: unknown): value is AddressValue =>
  typeof value === "object" && value !== null && !Array.isArray(value) && typeof (value as AddressValue).label === "string";

/** « Bondy (93140) »: how the citizen tells apart homonyms, and how the server reads it back. */
const withPostcode = (commune: Commune): string => `« ${commune.name} (${commune.postcodes[0] ?? commune.departement}) »`;

/** « A », « A ou B », « A, B ou C ». */
function either(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} ou ${items[items.length - 1]}`;
}

/** Two or three examples are enough to show what to write; the most populated first (the index's order). */
const EXAMPLES = 3;

/** The error a typed commune gets when it designates none, or more than one. */
export function communeError(typed: string, resolution: Exclude<Resolution, { kind: "found" }>): string {
  switch (resolution.kind) {
    case "several": {
      const examples = either(resolution.communes.slice(0, EXAMPLES).map(withPostcode));
      return resolution.by === "name"
        ? `Plusieurs communes s'appellent « ${resolution.communes[0]?.name ?? typed} » : ajoutez le code postal, par exemple ${examples}.`
        : `Plusieurs communes ont le code postal ${typed.replace(/\D/g, "")} : ajoutez le nom de la vôtre, par exemple ${examples}.`;
    }
    case "mismatch": {
      const name = resolution.communes[0]?.name ?? typed;
      return `Aucune commune « ${name} » ne correspond à « ${resolution.number} » : vérifiez le code postal, par exemple ${either(resolution.communes.slice(0, EXAMPLES).map(withPostcode))}.`;
    }
    case "none":
      return `Nous ne trouvons pas la commune « ${typed} ». Vérifiez son nom, ou saisissez son code postal (par exemple 93140), puis choisissez-la dans la liste proposée.`;
  }
}

/**
 * Completes each commune of valid values with its INSEE code and official name. Returns the errors
 * (empty when none) and the values. `index` is awaited only when a form has a commune to check.
 */
export async function checkCommunes(
  form: FormDefinition,
  values: Values,
  index: () => Promise<CommuneIndex>,
): Promise<{ errors: FieldErrors; values: Values }> {
  const errors: FieldErrors = {};
  const checked: Values = { ...values };
  for (const field of form.fields) {
    const value = values[field.key];
    if (field.type !== "commune" || !isCommuneValue(value)) continue;
    const communes = await index();
    // A code from the list is trusted only if it is a commune's; otherwise what was typed is read.
    const chosen = value.id ? communes.byCode(value.id) : undefined;
    let commune: Commune;
    if (chosen) commune = chosen;
    else {
      const resolution = communes.resolve(value.label);
      if (resolution.kind !== "found") {
        errors[field.key] = communeError(value.label, resolution);
        continue;
      }
      commune = resolution.commune;
    }
    if (!inTerritory(commune.code, field.territory)) errors[field.key] = COMMUNE_OUT_OF_TERRITORY;
    else checked[field.key] = { label: commune.name, id: commune.code };
  }
  return { errors, values: checked };
}
