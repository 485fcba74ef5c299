// The experiment's territory (Site table: départements and communes) and whether an address lies in it.
import { departementOf } from "./departements.ts";

export interface Territory {
  departements: string[];
  communes: string[];
  /**
   * The middle of the territory's addresses in the address index, worked out by the build: the
   * address search favours what is near it (lat/lon), so that a short prefix finds the
   * territory's streets first. Absent when the index has no address in the territory.
   */
  centre?: { lat: number; lon: number };
}

/** Paris, Lyon and Marseille: their arrondissements count as the commune. */
const CITY_OF_ARRONDISSEMENT: ReadonlyArray<[RegExp, string]> = [
  [/^751(0[1-9]|1\d|20)$/, "75056"],
  [/^6938[1-9]$/, "69123"],
  [/^132(0[1-9]|1[0-6])$/, "13055"],
];

export const hasTerritory = (territory: Territory | undefined): territory is Territory =>
  Boolean(territory && (territory.departements.length > 0 || territory.communes.length > 0));

/** Whether a commune (INSEE code) is in the territory; everything is when none is defined. */
export function inTerritory(citycode: string, territory: Territory | undefined): boolean {
  if (!hasTerritory(territory)) return true;
  if (territory.communes.includes(citycode)) return true;
  const city = CITY_OF_ARRONDISSEMENT.find(([pattern]) => pattern.test(citycode))?.[1];
  if (city && territory.communes.includes(city)) return true;
  return territory.departements.includes(departementOf(citycode));
}

/** The commune of a BAN id (93010_0620_00055, 93010_0620, 93010), when it has one. */
export function citycodeOfBanId(id: string): string | undefined {
  // BAL ids write Corsica's codes in lower case (2a004_…).
  return /^(\d{5}|2[AB]\d{3})(?:_|$)/i.exec(id)?.[1]?.toUpperCase();
}

export const OUT_OF_TERRITORY = "Cette adresse est hors du territoire de l'expérimentation : le service n'y est pas encore proposé.";

/** The same refusal for a « Commune » question; the statistics count both as outside the territory. */
export const COMMUNE_OUT_OF_TERRITORY = "Cette commune est hors du territoire de l'expérimentation : le service n'y est pas encore proposé.";
