// @11ty/eleventy-fetch ships no TypeScript types; this is the part of its API the kit uses.
declare module "@11ty/eleventy-fetch" {
  export interface FetchOptions {
    duration?: string;
    type?: "buffer" | "json" | "text";
    directory?: string;
    fetchOptions?: RequestInit;
  }
  export default function EleventyFetch(url: string, options?: FetchOptions & { type: "buffer" }): Promise<Buffer>;
  export class AssetCache {
    constructor(key: string, directory?: string, options?: { duration?: string });
    isCacheValid(duration?: string): boolean;
    getCachedValue(): Promise<unknown>;
    save(contents: unknown, type?: "json" | "buffer" | "text"): Promise<void>;
  }
}
