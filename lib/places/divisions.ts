// The départements and régions a « Département » or « Région » question offers, from the State's
// own data (@etalab/decoupage-administratif, pinned in package.json): current ones only, the 101
// départements and 18 régions (the collectivités d'outre-mer, which are neither, are left out).
// Browser-safe: the form's parser checks an answer against these lists, so site/js/form.ts
// bundles them (the two small files only; never the communes, which stay on the server).
import departements from "@etalab/decoupage-administratif/data/departements.json" with { type: "json" };
import regions from "@etalab/decoupage-administratif/data/regions.json" with { type: "json" };

/** Départements and régions proper: mainland France and the five overseas départements-régions. */
const CURRENT_ZONES: ReadonlySet<string> = new Set(["metro", "drom"]);

/** INSEE's order, as plain strings compare: Corsica's 2A and 2B between 19 and 21, 971 after 95. */
const departementOrder = (code: string): string => code.replace(/^2([AB])$/, "20$1").padEnd(3, " ");
const byOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** « 93 – Seine-Saint-Denis », in INSEE's order: the code first, as people look a département up by it. */
export const DEPARTMENT_LABELS: readonly string[] = departements
  .filter((d) => CURRENT_ZONES.has(d.zone))
  .sort((a, b) => byOrder(departementOrder(a.code), departementOrder(b.code)))
  .map((d) => `${d.code} – ${d.nom}`);

/** « Île-de-France », in alphabetical order (French collation: « Île » among the I). */
export const REGION_LABELS: readonly string[] = regions
  .filter((r) => CURRENT_ZONES.has(r.zone))
  .map((r) => r.nom)
  .sort((a, b) => a.localeCompare(b, "fr"));
