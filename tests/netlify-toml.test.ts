// netlify.toml as Netlify reads it: the questions the « Deploy to Netlify » button asks, and the
// Node the deployed build runs on.
import { readFile } from "node:fs/promises";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";

const toml = parse(await readFile("netlify.toml", "utf8")) as {
  build?: { environment?: Record<string, string> };
  template?: { environment?: Record<string, string> };
};
const pkg = JSON.parse(await readFile("package.json", "utf8")) as { engines: { node: string } };

const version = (text: string) => text.split(".").map(Number);
const atLeast = (a: number[], b: number[]) => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
};

describe("netlify.toml", () => {
  it("asks for AIRTABLE_TOKEN and AIRTABLE_BASE_ID in French, as optional", () => {
    const asked = toml.template?.environment ?? {};
    expect(Object.keys(asked).sort()).toEqual(["AIRTABLE_BASE_ID", "AIRTABLE_TOKEN"]);
    for (const [name, description] of Object.entries(asked)) {
      expect(description, name).toMatch(/^Facultatif : /);
      expect(description, name).toMatch(/Laissez vide pour commencer avec la base d'exemple du kit/);
    }
  });

  it("pins the build's Node to an exact version that package.json's engines accept", () => {
    const pinned = toml.build?.environment?.NODE_VERSION ?? "";
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    const minimum = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(pkg.engines.node)?.[1];
    expect(minimum, `engines.node « ${pkg.engines.node} » is read as >=X.Y`).toBeDefined();
    expect(atLeast(version(pinned), version(minimum!)), `${pinned} >= ${minimum}`).toBe(true);
    // The kit's packages are chosen for Node 20 (see the team's toolchain notes): the same major.
    expect(version(pinned)[0]).toBe(version(minimum!)[0]);
  });

  it("is what the README says: Node 20.19 or newer", async () => {
    const readme = await readFile("README.md", "utf8");
    const minimum = /^>=\s*(\d+\.\d+)/.exec(pkg.engines.node)?.[1];
    expect(readme).toContain(`[Node.js](https://nodejs.org) ${minimum} ou plus récent`);
  });
});
