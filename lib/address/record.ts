// One address as the importer reads it and as a result shows it: a house number, a street or a
// municipality, and the GeoCodeJSON feature it becomes.
import { contextOf } from "./departements.ts";
import type { AddressFeature, AddressProperties } from "./geocodejson.ts";

export type AddressRecord = Pick<
  AddressProperties,
  "id" | "type" | "housenumber" | "street" | "postcode" | "citycode" | "city" | "district" | "x" | "y"
> & { lon: number; lat: number };

export function labelOf(record: AddressRecord): string {
  const place = `${record.postcode} ${record.city}`;
  if (record.type === "housenumber") return `${record.housenumber} ${record.street} ${place}`;
  if (record.type === "street") return `${record.street} ${place}`;
  return record.city;
}

function nameOf(record: AddressRecord): string {
  if (record.type === "housenumber") return `${record.housenumber} ${record.street}`;
  return record.type === "street" ? (record.street as string) : record.city;
}

export function toFeature(record: AddressRecord, score: number): AddressFeature {
  return {
    type: "Feature",
    geometry: { type: "Point", coordinates: [record.lon, record.lat] },
    properties: {
      label: labelOf(record),
      score: Math.round(Math.min(1, Math.max(0, score)) * 10000) / 10000,
      id: record.id,
      type: record.type,
      name: nameOf(record),
      ...(record.housenumber ? { housenumber: record.housenumber } : {}),
      ...(record.street ? { street: record.street } : {}),
      postcode: record.postcode,
      citycode: record.citycode,
      city: record.city,
      ...(record.district ? { district: record.district } : {}),
      context: contextOf(record.citycode),
      ...(record.x !== undefined ? { x: record.x, y: record.y } : {}),
    },
  };
}
