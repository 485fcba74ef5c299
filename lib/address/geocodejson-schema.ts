// The BAN's response format (GeoCodeJSON), written once, as a schema: the TypeScript types are
// derived from it (geocodejson.ts exports them), and the Géoplateforme's answers are checked with it
// (providers.ts), so the shape we send and the shape we accept cannot drift apart. Matches
// api-adresse.data.gouv.fr / data.geopf.fr/geocodage. Server side only: it brings zod.
import { z } from "zod";
import { ADDRESS_TYPES } from "./geocodejson-constants.ts";

export const AddressPropertiesSchema = z.object({
  label: z.string(),
  /** 0–1: how well the address answers the query. */
  score: z.number(),
  id: z.string(),
  type: z.enum(ADDRESS_TYPES),
  name: z.string(),
  housenumber: z.string().optional(),
  street: z.string().optional(),
  postcode: z.string(),
  citycode: z.string(),
  city: z.string(),
  district: z.string().optional(),
  context: z.string(),
  importance: z.number().optional(),
  x: z.number().optional(),
  y: z.number().optional(),
  /** Reverse only: how far the address is from the point asked about, in metres (rounded, as the BAN's). */
  distance: z.number().optional(),
  /** Whether the experiment covers this address (only when the Site table defines a territory). */
  eligible: z.boolean().optional(),
});

export const AddressFeatureSchema = z.object({
  type: z.literal("Feature"),
  /** [lon, lat] */
  geometry: z.object({ type: z.literal("Point"), coordinates: z.tuple([z.number(), z.number()]) }),
  properties: AddressPropertiesSchema,
});

export const AddressCollectionSchema = z.object({
  type: z.literal("FeatureCollection"),
  version: z.literal("draft"),
  features: z.array(AddressFeatureSchema),
  attribution: z.string(),
  licence: z.string(),
  query: z.string(),
  limit: z.number(),
  filters: z.record(z.string(), z.string()).optional(),
});

/**
 * The answer of /reverse: as the BAN's, the point asked about is echoed as `center` ([lon, lat]),
 * where a search echoes its `query`.
 */
export const AddressReverseCollectionSchema = AddressCollectionSchema.omit({ query: true }).extend({
  center: z.tuple([z.number(), z.number()]),
});

/** The BAN's error answer (400, 405, 429, 503). */
export const AddressErrorSchema = z.object({
  code: z.number(),
  message: z.string(),
  detail: z.array(z.string()),
});

export type AddressProperties = z.output<typeof AddressPropertiesSchema>;
export type AddressFeature = z.output<typeof AddressFeatureSchema>;
export type AddressCollection = z.output<typeof AddressCollectionSchema>;
export type AddressReverseCollection = z.output<typeof AddressReverseCollectionSchema>;
export type AddressError = z.output<typeof AddressErrorSchema>;
