// The API's rules that the browser needs at run time too (site/js/form.ts): kept apart from the
// schema (geocodejson-schema.ts) so that importing them never brings zod into the browser's bundle.

/** The shortest query the API answers (the BAN's rule too). */
export const MIN_QUERY_LENGTH = 3;

export const ADDRESS_TYPES = ["housenumber", "street", "locality", "municipality"] as const;
export type AddressType = (typeof ADDRESS_TYPES)[number];
