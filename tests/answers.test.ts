import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { answerId, type Answer } from "../lib/answers/answer.ts";
import { answersToCsv, neutraliseCell } from "../lib/answers/export.ts";
import { DiskAnswerStore } from "../lib/answers/store.ts";
import type { FormDefinition } from "../lib/forms/definitions.ts";

const tempDir = () => mkdtemp(join(tmpdir(), "kit-answers-"));

const answer = (id: string, values: Answer["values"] = { recA: "x" }, submittedAt = "2026-11-29T10:00:00.000Z"): Answer => ({
  id,
  form: "conseil-renovation",
  submittedAt,
  source: "web",
  values,
});

describe("answer ids", () => {
  it("are the same for the same form instance, whatever the values", () => {
    const instance = "3f2b8c1e-1d2a-4c5b-9e8f-001122334455";
    expect(answerId("f", instance, { a: "1" })).toBe(answerId("f", instance, { a: "2" }));
    expect(answerId("f", instance, {})).not.toBe(answerId("g", instance, {}));
    expect(answerId("f", instance, {})).toMatch(/^[a-f0-9]{24}$/);
  });

  it("come from the values, in any key order, when there is no instance (JavaScript off)", () => {
    expect(answerId("f", undefined, { a: "1", b: ["x", "y"] })).toBe(answerId("f", "", { b: ["x", "y"], a: "1" }));
    expect(answerId("f", undefined, { a: "1" })).not.toBe(answerId("f", undefined, { a: "2" }));
    // A malformed instance id is not trusted.
    expect(answerId("f", "../../x", { a: "1" })).toBe(answerId("f", undefined, { a: "1" }));
  });
});

describe("the disk store", () => {
  it("stores an answer as one JSON file and lists it back", async () => {
    const store = new DiskAnswerStore(await tempDir());
    const a = answer("0123456789abcdef01234567");
    expect(await store.put(a)).toBe("created");
    expect(JSON.parse(await readFile(join(store.dir, "conseil-renovation", `${a.id}.json`), "utf8"))).toEqual(a);
    expect(await store.list()).toEqual([a]);
    expect(await store.list("other-form")).toEqual([]);
  });

  it("stores the same id once, even when many writes race, and leaves no temporary file", async () => {
    const store = new DiskAnswerStore(await tempDir());
    const a = answer("aaaaaaaaaaaaaaaaaaaaaaaa");
    const results = await Promise.all(Array.from({ length: 50 }, () => store.put(a)));
    expect(results.filter((r) => r === "created")).toHaveLength(1);
    expect(results.filter((r) => r === "duplicate")).toHaveLength(49);
    expect(await readdir(join(store.dir, "conseil-renovation"))).toEqual([`${a.id}.json`]);
  });

  it("keeps every distinct answer under concurrency", async () => {
    const store = new DiskAnswerStore(await tempDir());
    const answers = Array.from({ length: 200 }, (_, i) => answer(i.toString(16).padStart(24, "0"), { n: i }));
    await Promise.all(answers.map((a) => store.put(a)));
    expect((await store.list()).length).toBe(200);
  });

  it("refuses ids and form names that could leave its folder", async () => {
    const store = new DiskAnswerStore(await tempDir());
    await expect(store.put({ ...answer("0123456789abcdef01234567"), form: "../x" })).rejects.toThrow(/invalid/);
    await expect(store.put(answer("../../etc/passwd"))).rejects.toThrow(/invalid/);
  });

  it("lists nothing when no answer was ever stored", async () => {
    expect(await new DiskAnswerStore(join(await tempDir(), "missing")).list()).toEqual([]);
  });
});

describe("CSV export", () => {
  const form: FormDefinition = {
    slug: "conseil-renovation",
    title: "T",
    formPath: "/",
    action: "/",
    confirmationPath: "/",
    fields: [
      { key: "recName", label: "Nom", type: "short-text", required: true, options: [] },
      { key: "recWorks", label: "Travaux", type: "checkboxes", required: false, options: ["Isolation", "Chauffage"] },
      { key: "recOk", label: "Accord", type: "consent", required: true, options: [] },
      { key: "recAddr", label: "Adresse", type: "address", required: true, options: [] },
    ],
  };

  it("neutralises cells a spreadsheet would run as formulas", () => {
    for (const danger of ["=1+1", "+33 6 12", "-2", "@SUM(A1)", "\t=x", "\r=x"]) expect(neutraliseCell(danger)).toBe(`'${danger}`);
    expect(neutraliseCell("Camille")).toBe("Camille");
    expect(neutraliseCell("a=b")).toBe("a=b");
  });

  it("writes UTF-8 with a BOM, semicolons, CRLF, one column per question, French dates", () => {
    const csv = answersToCsv(form, [
      answer("0123456789abcdef01234567", {
        recName: '=HYPERLINK("http://x";"clic")',
        recWorks: ["Isolation", "Chauffage"],
        recOk: true,
        recAddr: { label: "55 Rue Baudin 93140 Bondy", id: "93010_0620_00055" },
        recGone: "réponse à une question retirée",
      }),
    ]);
    expect(csv.startsWith("\uFEFF")).toBe(true);
    const lines = csv.slice(1).split("\r\n");
    expect(lines[0]).toBe("Identifiant;Envoyée le;Nom;Travaux;Accord;Adresse;Question retirée (recGone)");
    expect(lines[1]).toBe(
      `0123456789abcdef01234567;29/11/2026 11:00:00;"'=HYPERLINK(""http://x"";""clic"")";"Isolation ; Chauffage";Oui;55 Rue Baudin 93140 Bondy;réponse à une question retirée`,
    );
    expect(lines[2]).toBe("");
  });
});
