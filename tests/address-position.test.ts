// Issue 12: the address combobox favours the territory (the search's lat/lon, from the territory's
// centre the build works out from the index), and offers « Utiliser ma position » where the browser
// can give one. The pure parts here; the button in a browser is for a Chromium test to come.
import { describe, expect, it } from "vitest";
import { AddressIndex } from "../lib/address/engine.ts";
import type { AddressRecord } from "../lib/address/record.ts";
import type { Territory } from "../lib/address/territory.ts";
import type { FieldSpec } from "../lib/forms/field-spec.ts";
import { renderField } from "../lib/forms/markup.ts";
import {
  addressSearchUrl,
  canLocate,
  LOCATE_WORDS,
  nearOf,
  positionErrorMessage,
  reverseChoice,
  reverseUrl,
} from "../site/js/address-combobox.ts";

/** A street with `count` house numbers around a point. */
function street(id: string, name: string, postcode: string, citycode: string, city: string, lon: number, lat: number, count: number): AddressRecord[] {
  const numbers = Array.from({ length: count }, (_, i): AddressRecord => ({
    id: `${id}_${String(i + 1).padStart(5, "0")}`,
    type: "housenumber",
    housenumber: String(i + 1),
    street: name,
    postcode,
    citycode,
    city,
    lon: lon + i * 0.0001,
    lat,
  }));
  return [...numbers, { id, type: "street", street: name, postcode, citycode, city, lon, lat }];
}

// An index that covers more than the territory (Bondy): a longer street of the same name in Lyon.
const index = AddressIndex.fromRecords([
  ...street("93010_0001", "Rue de la Paix", "93140", "93010", "Bondy", 2.48, 48.9, 3),
  ...street("93010_0002", "Rue Pasteur", "93140", "93010", "Bondy", 2.5, 48.91, 3),
  ...street("69383_0001", "Rue de la Paix", "69003", "69383", "Lyon", 4.85, 45.76, 60),
]);
const bondy: Territory = { departements: [], communes: ["93010"] };

describe("the territory's centre", () => {
  it("is the middle of the territory's streets in the index", () => {
    expect(index.centreOf(bondy)).toEqual({ lat: 48.905, lon: 2.49 });
    expect(index.centreOf({ departements: ["93"], communes: [] })).toEqual({ lat: 48.905, lon: 2.49 });
  });

  it("is unknown when the index has none of its addresses, or there is no territory", () => {
    expect(index.centreOf({ departements: ["13"], communes: [] })).toBeUndefined();
    expect(index.centreOf({ departements: [], communes: [] })).toBeUndefined();
  });

  it("makes a short prefix find the territory's street first, where the index covers more", () => {
    const first = (options: { lat?: number; lon?: number }) => index.search("rue de la p", { limit: 2, ...options })[0]?.properties.citycode;
    // Without the bias, the longest street wins: Lyon's.
    expect(first({})).toBe("69383");
    expect(first(index.centreOf(bondy)!)).toBe("93010");
  });
});

describe("the address combobox's search", () => {
  const field = (territory?: Territory): FieldSpec => ({ key: "recAdresse", label: "Adresse du logement", type: "address", required: true, options: [], ...(territory ? { territory } : {}) }) as FieldSpec;

  it("the markup carries the territory's centre, and nothing without one", () => {
    const html = renderField(field({ ...bondy, centre: { lat: 48.905, lon: 2.49 } }));
    expect(html).toContain('data-kit-lat="48.905" data-kit-lon="2.49"');
    expect(renderField(field(bondy))).not.toContain("data-kit-lat");
    expect(renderField(field())).not.toContain("data-kit-lat");
  });

  it("asks for lat/lon (a bias), never citycode (a filter, which would hide the addresses outside)", () => {
    const group = { kitLat: "48.905", kitLon: "2.49" };
    const url = new URL(addressSearchUrl("rue de la p", nearOf(group)), "https://example.gouv.fr");
    expect(url.pathname).toBe("/api/address");
    expect(Object.fromEntries(url.searchParams)).toEqual({ q: "rue de la p", limit: "5", autocomplete: "1", lat: "48.905", lon: "2.49" });
    expect(addressSearchUrl("rue de la p", nearOf({}))).toBe("/api/address?q=rue+de+la+p&limit=5&autocomplete=1");
    expect(nearOf({ kitLat: "abc", kitLon: "2" })).toBeUndefined();
  });
});

describe("« Utiliser ma position »", () => {
  it("is in the markup, hidden until the script finds geolocation; the commune has none", () => {
    const html = renderField({ key: "recAdresse", label: "Adresse", type: "address", required: true, options: [] } as unknown as FieldSpec);
    expect(html).toMatch(/<div class="kit-locate[^"]*" hidden x-bind="locateBox">\s*<button type="button" class="fr-btn fr-btn--tertiary fr-btn--sm" x-bind="locateButton">Utiliser ma position<\/button>/);
    const commune = renderField({ key: "recCommune", label: "Commune", type: "commune", required: true, options: [] } as unknown as FieldSpec);
    expect(commune).not.toContain("Utiliser ma position");
  });

  it("is offered only in a secure context with geolocation", () => {
    expect(canLocate({ isSecureContext: true, navigator: { geolocation: {} } })).toBe(true);
    expect(canLocate({ isSecureContext: false, navigator: { geolocation: {} } })).toBe(false);
    expect(canLocate({ isSecureContext: true, navigator: {} })).toBe(false);
    expect(canLocate({})).toBe(false);
  });

  it("asks the reverse search for the one nearest address", () => {
    const url = new URL(reverseUrl(48.9051234567, 2.4912345678), "https://example.gouv.fr");
    expect(url.pathname).toBe("/api/address/reverse/");
    expect(Object.fromEntries(url.searchParams)).toEqual({ lat: "48.905123", lon: "2.491235", limit: "1" });
  });

  it("takes the first feature's label and id, saying when it lies outside the territory", () => {
    const feature = (properties: Record<string, unknown>) => ({ type: "FeatureCollection", features: [{ type: "Feature", properties }] });
    expect(reverseChoice(feature({ label: "55 Rue Baudin 93140 Bondy", id: "93010_0620_00055" }))).toEqual({ label: "55 Rue Baudin 93140 Bondy", id: "93010_0620_00055", outside: false });
    expect(reverseChoice(feature({ label: "1 Rue de Rivoli 75001 Paris", id: "75101_8158_00001", eligible: false }))?.outside).toBe(true);
    for (const nothing of [{ type: "FeatureCollection", features: [] }, feature({ label: "x" }), null, "oops", { features: "no" }]) {
      expect(reverseChoice(nothing)).toBeUndefined();
    }
  });

  it("says in French what happened", () => {
    expect(positionErrorMessage(1)).toBe(LOCATE_WORDS[1]);
    expect(positionErrorMessage(1)).toContain("pas autorisé");
    expect(positionErrorMessage(2)).toContain("pas disponible");
    expect(positionErrorMessage(3)).toContain("à temps");
    expect(positionErrorMessage(99)).toBe(LOCATE_WORDS[2]);
    expect(LOCATE_WORDS.found("55 Rue Baudin 93140 Bondy", false)).toBe("Adresse trouvée à votre position : 55 Rue Baudin 93140 Bondy. Vérifiez-la avant d'envoyer.");
    expect(LOCATE_WORDS.found("1 Rue de Rivoli 75001 Paris", true)).toContain("(hors du territoire du service)");
  });
});
