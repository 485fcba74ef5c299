// The BAN's response format (GeoCodeJSON), for the address function, its providers and the
// browser's autocomplete: import it from here. The shape itself is defined once, as a schema, in
// geocodejson-schema.ts; this module re-exports its types only (erased when compiled), so that the
// browser's bundle, which imports MIN_QUERY_LENGTH from here, never carries zod.
export { ADDRESS_TYPES, MIN_QUERY_LENGTH, type AddressType } from "./geocodejson-constants.ts";
export type { AddressCollection, AddressError, AddressFeature, AddressProperties, AddressReverseCollection } from "./geocodejson-schema.ts";
