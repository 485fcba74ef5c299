// The README is the intrapreneur's manual: it must name every field of every table and every type.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { TABLES } from "../lib/base/tables.ts";
import { FIELD_TYPES } from "../lib/forms/field-types.ts";

describe("README", () => {
  it("documents every table field and every question type", async () => {
    const readme = await readFile("README.md", "utf8");
    for (const table of TABLES) {
      expect(readme).toContain(`### Table « ${table.name} »`);
      for (const field of Object.keys(table.fields)) expect(readme, `${table.name}.${field}`).toContain(`| ${field} |`);
    }
    for (const type of Object.values(FIELD_TYPES)) expect(readme, type.label).toContain(`| ${type.label} |`);
  });

  it("gives the two setup commands", async () => {
    const readme = await readFile("README.md", "utf8");
    expect(readme).toContain("npm ci && npm start");
    expect(readme).toContain("npm test");
  });
});
