// Where addresses come from: the local index of the territory, the national Géoplateforme, or
// both ("auto": local inside the territory, remote beyond it, local again when remote fails).
// Sending every citizen through our functions to the national API would funnel them through a few
// function IPs, against its limit of 50 requests/s per IP: the local index takes the bulk.
import { z } from "zod";
import type { AddressIndex } from "./engine.ts";
import type { AddressFeature, AddressType } from "./geocodejson.ts";
import { AddressFeatureSchema, AddressPropertiesSchema } from "./geocodejson-schema.ts";
import { reverseGeocode } from "./reverse.ts";

export interface AddressQuery {
  q: string;
  limit: number;
  autocomplete: boolean;
  type?: AddressType;
  postcode?: string;
  citycode?: string;
  lat?: number;
  lon?: number;
}

/** The BAN's /reverse: the addresses nearest a point. */
export interface ReverseQuery {
  lat: number;
  lon: number;
  limit: number;
  type?: AddressType;
  postcode?: string;
  citycode?: string;
}

export interface AddressProvider {
  readonly name: "local" | "remote" | "auto";
  search(query: AddressQuery): Promise<AddressFeature[]>;
  /** Nearest first, each with its `distance` in metres. */
  reverse(query: ReverseQuery): Promise<AddressFeature[]>;
}

export class LocalProvider implements AddressProvider {
  readonly name = "local";
  constructor(private readonly index: () => Promise<AddressIndex>) {}

  async search(query: AddressQuery): Promise<AddressFeature[]> {
    const { q, ...options } = query;
    return (await this.index()).search(q, options);
  }

  async reverse(query: ReverseQuery): Promise<AddressFeature[]> {
    const { lat, lon, ...options } = query;
    return reverseGeocode(await this.index(), lat, lon, options);
  }
}

export class RemoteUnavailable extends Error {
  override name = "RemoteUnavailable";
}

export const DEFAULT_GEOPLATEFORME_URL = "https://data.geopf.fr/geocodage";

/**
 * The Géoplateforme's answer, checked with the very schema of what we send (geocodejson-schema.ts);
 * fields of its own that the schema does not name (_type, banId…) are passed on as they are.
 */
const RemoteAnswer = z.object({
  features: z.array(AddressFeatureSchema.extend({ properties: AddressPropertiesSchema.loose() })),
});

export interface RemoteOptions {
  baseUrl?: string;
  timeoutMs?: number;
  cacheEntries?: number;
  cacheTtlMs?: number;
  now?: () => number;
}

export class RemoteProvider implements AddressProvider {
  readonly name = "remote";
  private readonly cache = new Map<string, { at: number; features: AddressFeature[] }>();
  private blockedUntil = 0;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly cacheEntries: number;
  private readonly cacheTtlMs: number;
  private readonly now: () => number;

  constructor(options: RemoteOptions = {}) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_GEOPLATEFORME_URL).replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.cacheEntries = options.cacheEntries ?? 500;
    this.cacheTtlMs = options.cacheTtlMs ?? 10 * 60_000;
    this.now = options.now ?? Date.now;
  }

  private url(query: AddressQuery): string {
    const params = new URLSearchParams({ q: query.q, limit: String(query.limit), autocomplete: query.autocomplete ? "1" : "0" });
    for (const key of ["type", "postcode", "citycode", "lat", "lon"] as const) {
      const value = query[key];
      if (value !== undefined) params.set(key, String(value));
    }
    return `${this.baseUrl}/search?${params}`;
  }

  async search(query: AddressQuery): Promise<AddressFeature[]> {
    return this.features(this.url(query));
  }

  /** The Géoplateforme's /reverse, on its address index only (not its places nor its parcels). */
  async reverse(query: ReverseQuery): Promise<AddressFeature[]> {
    const params = new URLSearchParams({ lon: String(query.lon), lat: String(query.lat), limit: String(query.limit), index: "address" });
    for (const key of ["type", "postcode", "citycode"] as const) {
      const value = query[key];
      if (value !== undefined) params.set(key, value);
    }
    return this.features(`${this.baseUrl}/reverse?${params}`);
  }

  private async features(url: string): Promise<AddressFeature[]> {
    const cached = this.cache.get(url);
    if (cached && this.now() - cached.at < this.cacheTtlMs) return cached.features;
    // After a 429, the national API is left alone for as long as it asked.
    if (this.now() < this.blockedUntil) throw new RemoteUnavailable("Géoplateforme : limite de requêtes atteinte");
    let response: Response;
    try {
      response = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new RemoteUnavailable(`Géoplateforme injoignable : ${(error as Error).message}`);
    }
    if (response.status === 429) {
      const seconds = Number(response.headers.get("retry-after"));
      // As long as asked, within reason: a misconfigured proxy must not switch the service off for a day.
      this.blockedUntil = this.now() + (Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 600) * 1000 : 5000);
      throw new RemoteUnavailable("Géoplateforme : limite de requêtes atteinte");
    }
    if (!response.ok) throw new RemoteUnavailable(`Géoplateforme : réponse ${response.status}`);
    let parsed: z.infer<typeof RemoteAnswer>;
    try {
      parsed = RemoteAnswer.parse(await response.json());
    } catch {
      throw new RemoteUnavailable("Géoplateforme : réponse illisible");
    }
    const features: AddressFeature[] = parsed.features;
    // A small cache, oldest out first: the same prefixes are typed again and again.
    this.cache.delete(url);
    this.cache.set(url, { at: this.now(), features });
    if (this.cache.size > this.cacheEntries) this.cache.delete(this.cache.keys().next().value as string);
    return features;
  }
}

/** Local when the local index knows the address well, remote beyond it, local when remote fails. */
export class AutoProvider implements AddressProvider {
  readonly name = "auto";
  constructor(
    private readonly local: AddressProvider,
    private readonly remote: AddressProvider,
    /** A local best score at least this good means the address is in the territory. */
    private readonly threshold = 0.75,
    /** A local address this near the point (metres) means the point is in the territory: the Géoplateforme looks no farther. */
    private readonly near = 100,
  ) {}

  async reverse(query: ReverseQuery): Promise<AddressFeature[]> {
    const local = await this.local.reverse(query);
    if ((local[0]?.properties.distance ?? Infinity) <= this.near) return local;
    try {
      const remote = await this.remote.reverse(query);
      return remote.length > 0 ? remote : local;
    } catch (error) {
      if (!(error instanceof RemoteUnavailable)) throw error;
      return local;
    }
  }

  async search(query: AddressQuery): Promise<AddressFeature[]> {
    const local = await this.local.search(query);
    if ((local[0]?.properties.score ?? 0) >= this.threshold) return local;
    try {
      return await this.remote.search(query);
    } catch (error) {
      if (!(error instanceof RemoteUnavailable)) throw error;
      return local;
    }
  }
}

export type ProviderName = AddressProvider["name"];

/** The provider ADDRESS_PROVIDER names (read, with GEOPLATEFORME_URL, by lib/app/config.ts). */
export function providerFor(
  name: ProviderName,
  index: () => Promise<AddressIndex>,
  geoplateformeUrl: string = DEFAULT_GEOPLATEFORME_URL,
): AddressProvider {
  const local = new LocalProvider(index);
  const remote = () => new RemoteProvider({ baseUrl: geoplateformeUrl });
  if (name === "local") return local;
  if (name === "remote") return remote();
  return new AutoProvider(local, remote());
}
