// « Adresse »: the combobox (combobox.ts) over /api/address, for the markup lib/forms/markup.ts
// renders, and its « Utiliser ma position » button. form.ts registers it:
// Alpine.data("addressCombobox", addressCombobox). The pure parts (addresses, answers, messages)
// are exported for the tests; the component only wires them to the page.
import { MIN_QUERY_LENGTH, type AddressCollection, type AddressFeature } from "../../lib/address/geocodejson.ts";
import { combobox, type ComboboxSource, type ComboboxState } from "./combobox.ts";

export const ADDRESS_API_PATH = "/api/address";
/** The reverse search: the address at a point (GeoCodeJSON, as the BAN's /reverse/). */
export const REVERSE_API_PATH = "/api/address/reverse/";

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

/** The address at the citizen's position: one, the nearest. Six decimals are about 10 cm. */
export function reverseUrl(lat: number, lon: number): string {
  return `${REVERSE_API_PATH}?${new URLSearchParams({ lat: lat.toFixed(6), lon: lon.toFixed(6), limit: "1" })}`;
}

/** The nearest address of a reverse search's answer, as the field takes it; undefined when there is none. */
export function reverseChoice(body: unknown): { label: string; id: string; outside: boolean } | undefined {
  const features = (body as Partial<AddressCollection> | null)?.features;
  const properties = Array.isArray(features) ? (features[0] as Partial<AddressFeature> | undefined)?.properties : undefined;
  if (!properties || typeof properties.label !== "string" || typeof properties.id !== "string" || properties.label === "") return undefined;
  return { label: properties.label, id: properties.id, outside: properties.eligible === false };
}

/** What the button says happened, on the page and in the live region. */
export const LOCATE_WORDS = {
  searching: "Recherche de votre position…",
  found: (label: string, outside: boolean) =>
    `Adresse trouvée à votre position : ${label}${outside ? " (hors du territoire du service)" : ""}. Vérifiez-la avant d'envoyer.`,
  // GeolocationPositionError's codes: 1 refused, 2 unavailable, 3 too long.
  1: "Vous n'avez pas autorisé ce site à connaître votre position. Saisissez votre adresse.",
  2: "Votre position n'est pas disponible pour le moment. Saisissez votre adresse.",
  3: "Votre position n'a pas été trouvée à temps. Réessayez, ou saisissez votre adresse.",
  none: "Aucune adresse trouvée à votre position. Saisissez votre adresse.",
  failed: "La recherche de l'adresse à votre position ne répond pas. Saisissez votre adresse.",
} as const;

/** The message for a GeolocationPositionError's code (an unknown code is an unavailable position). */
export function positionErrorMessage(code: number): string {
  return code === 1 || code === 3 ? LOCATE_WORDS[code] : LOCATE_WORDS[2];
}

/**
 * Whether to offer « Utiliser ma position »: the browser gives positions only to pages of a
 * secure context (https, or localhost), and only if it has geolocation at all.
 */
export function canLocate(scope: { isSecureContext?: boolean; navigator?: { geolocation?: unknown } }): boolean {
  return scope.isSecureContext === true && Boolean(scope.navigator?.geolocation);
}

/** Asked once per click: precise (a house, not a district), not older than a minute, 10 s at most. */
export const POSITION_OPTIONS: PositionOptions = { enableHighAccuracy: true, timeout: 10_000, maximumAge: 60_000 };

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

interface LocateState extends ComboboxState<AddressFeature> {
  canLocate: boolean;
  locating: boolean;
  locateMessage: string;
  say(message: string): void;
  useMyPosition(): void;
  found(lat: number, lon: number): Promise<void>;
}

export function addressCombobox() {
  const core = combobox(ADDRESSES);
  return {
    ...core,
    canLocate: false,
    locating: false,
    locateMessage: "",

    init(this: LocateState) {
      core.init.call(this);
      this.canLocate = canLocate(window);
    },
    /** On the page and in the live region alike. */
    say(this: LocateState, message: string) {
      this.locateMessage = message;
      this.status = message;
    },
    useMyPosition(this: LocateState) {
      // The button stays enabled, and focused, while the position is sought: a second click waits for the first.
      if (this.locating) return;
      this.locating = true;
      this.say(LOCATE_WORDS.searching);
      navigator.geolocation.getCurrentPosition(
        (position) => void this.found(position.coords.latitude, position.coords.longitude),
        (error) => {
          this.locating = false;
          this.say(positionErrorMessage(error.code));
        },
        POSITION_OPTIONS,
      );
    },
    async found(this: LocateState, lat: number, lon: number) {
      try {
        const response = await fetch(reverseUrl(lat, lon), { headers: { accept: "application/json" } });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const choice = reverseChoice(await response.json());
        if (!choice) this.say(LOCATE_WORDS.none);
        else {
          const message = LOCATE_WORDS.found(choice.label, choice.outside);
          this.pick(choice.label, choice.id, message);
          this.locateMessage = message;
        }
      } catch {
        this.say(LOCATE_WORDS.failed);
      } finally {
        this.locating = false;
      }
    },

    locateBox: {
      ":hidden"(this: LocateState) {
        return !this.canLocate;
      },
    },
    locateButton: {
      "@click"(this: LocateState) {
        this.useMyPosition();
      },
      ":aria-disabled"(this: LocateState) {
        return this.locating ? "true" : null;
      },
    },
    locateMessageBox: {
      ":hidden"(this: LocateState) {
        return this.locateMessage === "";
      },
    },
  };
}
