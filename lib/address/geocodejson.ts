// The BAN's response format (GeoCodeJSON), defined once for the address function, its providers
// and the browser's autocomplete. Matches api-adresse.data.gouv.fr / data.geopf.fr/geocodage.

/** The shortest query the API answers (the BAN's rule too). */
export const MIN_QUERY_LENGTH = 3;

export const ADDRESS_TYPES = ["housenumber", "street", "locality", "municipality"] as const;
export type AddressType = (typeof ADDRESS_TYPES)[number];

export interface AddressProperties {
  label: string;
  /** 0–1: how well the address answers the query. */
  score: number;
  id: string;
  type: AddressType;
  name: string;
  housenumber?: string;
  street?: string;
  postcode: string;
  citycode: string;
  city: string;
  district?: string;
  context: string;
  importance?: number;
  x?: number;
  y?: number;
  /** Whether the experiment covers this address (only when the Site table defines a territory). */
  eligible?: boolean;
}

export interface AddressFeature {
  type: "Feature";
  geometry: { type: "Point"; coordinates: [number, number] };
  properties: AddressProperties;
}

export interface AddressCollection {
  type: "FeatureCollection";
  version: "draft";
  features: AddressFeature[];
  attribution: string;
  licence: string;
  query: string;
  limit: number;
  filters?: Record<string, string>;
}

export interface AddressError {
  code: number;
  message: string;
  detail: string[];
}
