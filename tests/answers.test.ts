import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { answerIds, NO_SCRIPT_WINDOW_MS, type Answer } from "../lib/answers/answer.ts";
import { answersToCsv, neutraliseCell } from "../lib/answers/export.ts";
import { DiskAnswerStore } from "../lib/answers/store.ts";
import type { FormDefinition } from "../lib/forms/definitions.ts";
import type { FieldSpec } from "../lib/forms/field-spec.ts";
import { answerFields, answerRecord, questionColumns } from "../lib/airtable/answer-sink.ts";

const tempDir = () => mkdtemp(join(tmpdir(), "kit-answers-"));

const answer = (id: string, values: Answer["values"] = { recA: "x" }, submittedAt = "2026-11-29T10:00:00.000Z"): Answer => ({
  id,
  form: "conseil-renovation",
  submittedAt,
  source: "web",
  values,
});

describe("answer ids", () => {
  const T = Date.parse("2026-11-29T10:00:00Z");
  const id = (...args: Parameters<typeof answerIds>) => answerIds(...args).id;

  it("are the same for the same form instance, whatever the values, client or time", () => {
    const instance = "3f2b8c1e-1d2a-4c5b-9e8f-001122334455";
    expect(id("f", instance, { a: "1" }, "ip1", T)).toBe(id("f", instance, { a: "2" }, "ip2", T + 86_400_000));
    expect(id("f", instance, {}, "", T)).not.toBe(id("g", instance, {}, "", T));
    expect(id("f", instance, {}, "", T)).toMatch(/^[a-f0-9]{24}$/);
    expect(answerIds("f", instance, {}, "", T).previous).toBeUndefined();
  });

  it("without JavaScript, come from the values (in any key order), the client and the time window", () => {
    expect(id("f", undefined, { a: "1", b: ["x", "y"] }, "c", T)).toBe(id("f", "", { b: ["x", "y"], a: "1" }, "c", T + 1000));
    expect(id("f", undefined, { a: "1" }, "c", T)).not.toBe(id("f", undefined, { a: "2" }, "c", T));
    // Two citizens giving the same answers are two answers.
    expect(id("f", undefined, { a: "1" }, "c1", T)).not.toBe(id("f", undefined, { a: "1" }, "c2", T));
    // A re-send in the next window points back to the first one.
    const later = answerIds("f", undefined, { a: "1" }, "c", T + NO_SCRIPT_WINDOW_MS);
    expect(later.id).not.toBe(id("f", undefined, { a: "1" }, "c", T));
    expect(later.previous).toBe(id("f", undefined, { a: "1" }, "c", T));
    // A malformed instance id is not trusted.
    expect(id("f", "../../x", { a: "1" }, "c", T)).toBe(id("f", undefined, { a: "1" }, "c", T));
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
    expect(await store.has("conseil-renovation", a.id)).toBe(true);
    expect(await store.has("conseil-renovation", "ffffffffffffffffffffffff")).toBe(false);
    expect(await store.forms()).toEqual(["conseil-renovation"]);
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

describe("the Airtable answers table", () => {
  const form = (slug: string, type: FieldSpec["type"], options: string[] = []): FormDefinition => ({
    slug,
    title: slug,
    formPath: "/",
    action: "/",
    confirmationPath: "/",
    fields: [{ key: `rec${slug}`, label: "Âge", type, required: true, options }],
  });
  const a = form("a", "number");
  const b = form("b", "radio", ["Moins de 18 ans", "18 ans et plus"]);
  const c = form("c", "number");

  it("has the fixed columns, then one column per question label, of the first question's type", () => {
    const fields = answerFields([a, b, c]);
    expect(fields.map((f) => f.name)).toEqual(["Identifiant", "Formulaire", "Envoyée le", "Source", "Statut", "Motif de quarantaine", "Données brutes", "Âge"]);
    expect(fields.at(-1)).toMatchObject({ name: "Âge", type: "number" });
  });

  it("writes an answer into its question's column only when the column is of its type", () => {
    const columns = questionColumns([a, b, c]);
    const record = (f: FormDefinition, value: Answer["values"][string]) =>
      answerRecord({ ...answer("0123456789abcdef01234567", { [f.fields[0]!.key]: value }), form: f.slug }, f, columns);
    expect(record(a, 42)).toMatchObject({ Âge: 42, Identifiant: "0123456789abcdef01234567", Formulaire: "a" });
    expect(record(c, 7)).toMatchObject({ Âge: 7 }); // another form asking the same question shares the column
    const fromB = record(b, "18 ans et plus");
    expect(fromB.Âge).toBeUndefined(); // a's number column would refuse it
    expect(JSON.parse(fromB["Données brutes"] as string)).toEqual({ Âge: "18 ans et plus" });
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
    // An address is followed by its parts' columns: empty for an answer stored before they were kept.
    const parts = ["code postal", "commune", "code INSEE", "latitude", "longitude"].map((words) => `Adresse – ${words}`).join(";");
    expect(lines[0]).toBe(`Identifiant;Envoyée le;Nom;Travaux;Accord;Adresse;${parts};Variante;Provenance;Question retirée (recGone)`);
    expect(lines[1]).toBe(
      `0123456789abcdef01234567;29/11/2026 11:00:00;"'=HYPERLINK(""http://x"";""clic"")";"Isolation ; Chauffage";Oui;55 Rue Baudin 93140 Bondy;;;;;;;;réponse à une question retirée`,
    );
    expect(lines[2]).toBe("");
  });
});

describe("a « Texte d'explication » has no column", () => {
  const explanation = { key: "recExplication", label: "Bon à savoir", hint: "Rien à répondre.", type: "explanation" as const, required: false, options: [] };
  const name = { key: "recNom", label: "Nom", type: "short-text" as const, required: true, options: [] };
  const form = { slug: "e", title: "E", formPath: "/e/formulaire/", action: "/api/submit/e", confirmationPath: "/e/merci/", fields: [explanation, name] };

  it("in the CSV export", () => {
    const [header] = answersToCsv(form, []).replace(/^\uFEFF/, "").split("\r\n");
    expect(header).toBe("Identifiant;Envoyée le;Nom;Variante;Provenance");
  });

  it("in the Airtable answers table", () => {
    expect([...questionColumns([form]).keys()]).toEqual(["Nom"]);
    expect(answerFields([form]).map((f) => f.name)).not.toContain("Bon à savoir");
  });
});
