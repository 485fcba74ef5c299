// @11ty/eleventy ships no TypeScript types; this is the part of its API scripts/build.ts uses.
declare module "@11ty/eleventy" {
  export default class Eleventy {
    constructor(input?: string, output?: string, options?: { configPath?: string; quietMode?: boolean });
    write(): Promise<unknown>;
  }
}
