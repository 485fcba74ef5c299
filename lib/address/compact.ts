// A file of typed arrays that loads without parsing: a small JSON header, then each array's bytes,
// 8-byte aligned, so that loading is reading the file and laying views over it. This is what makes
// the address function's cold start take milliseconds where a JSON index took a second.

const MAGIC = "KITADDR\n";

export type ArrayKind = "u8" | "u16" | "u32" | "i32";
export type Section = Uint8Array | Uint16Array | Uint32Array | Int32Array;
/** The typed array of a kind. */
export type ArrayOf<K extends ArrayKind> = K extends "u8" ? Uint8Array : K extends "u16" ? Uint16Array : K extends "u32" ? Uint32Array : Int32Array;
/** A file's arrays, by name and kind: declared once, for the writer and the reader. */
export type Schema = Readonly<Record<string, ArrayKind>>;
export type SectionsOf<S extends Schema> = { [K in keyof S]: ArrayOf<S[K]> };

const CONSTRUCTORS = { u8: Uint8Array, u16: Uint16Array, u32: Uint32Array, i32: Int32Array } as const;

function kindOf(array: Section): ArrayKind {
  if (array instanceof Uint8Array) return "u8";
  if (array instanceof Uint16Array) return "u16";
  if (array instanceof Uint32Array) return "u32";
  return "i32";
}

interface SectionEntry {
  name: string;
  kind: ArrayKind;
  offset: number;
  length: number;
}

interface Header<M> {
  /** Typed arrays are written in the machine's byte order; every platform Netlify runs is little-endian. */
  littleEndian: true;
  meta: M;
  sections: SectionEntry[];
}

const align = (n: number) => Math.ceil(n / 8) * 8;

export function writeContainer<M, S extends Schema>(meta: M, sections: SectionsOf<S>): Uint8Array {
  const entries: SectionEntry[] = [];
  let offset = 0;
  for (const [name, array] of Object.entries(sections) as Array<[string, Section]>) {
    entries.push({ name, kind: kindOf(array), offset, length: array.length });
    offset = align(offset + array.byteLength);
  }
  const header: Header<M> = { littleEndian: true, meta, sections: entries };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const start = align(MAGIC.length + 4 + headerBytes.length);
  const out = new Uint8Array(start + offset);
  out.set(new TextEncoder().encode(MAGIC));
  new DataView(out.buffer).setUint32(MAGIC.length, headerBytes.length, true);
  out.set(headerBytes, MAGIC.length + 4);
  for (const entry of entries) {
    const array = sections[entry.name] as Section;
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), start + entry.offset);
  }
  return out;
}

export class ContainerError extends Error {
  override name = "ContainerError";
}

/** The header alone (the file's metadata), without touching the arrays. */
export function readContainerMeta<M>(bytes: Uint8Array): { meta: M; start: number; sections: SectionEntry[] } {
  if (bytes.length < MAGIC.length + 4 || new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) {
    throw new ContainerError("ce n'est pas un index d'adresses du kit");
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(MAGIC.length, true);
  if (MAGIC.length + 4 + length > bytes.length) throw new ContainerError("index tronqué");
  let header: Header<M>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + length))) as Header<M>;
  } catch {
    throw new ContainerError("index illisible (en-tête abîmé)");
  }
  return { meta: header.meta, start: align(MAGIC.length + 4 + length), sections: header.sections };
}

/**
 * Views over the file's bytes: nothing is copied (unless the bytes are not 8-byte aligned). Every
 * array of the schema must be there, of its kind.
 */
export function readContainer<M, S extends Schema>(input: Uint8Array, schema: S): { meta: M; sections: SectionsOf<S> } {
  // A copy (not Buffer's slice, which is a view) when the bytes are not 8-byte aligned.
  const bytes = input.byteOffset % 8 === 0 ? input : new Uint8Array(input);
  const { meta, start, sections: entries } = readContainerMeta<M>(bytes);
  const sections: Record<string, Section> = {};
  for (const { name, kind, offset, length } of entries) {
    const Constructor = CONSTRUCTORS[kind];
    const byteOffset = bytes.byteOffset + start + offset;
    if (start + offset + length * Constructor.BYTES_PER_ELEMENT > bytes.length) throw new ContainerError("index tronqué");
    sections[name] = new Constructor(bytes.buffer as ArrayBuffer, byteOffset, length);
  }
  for (const [name, kind] of Object.entries(schema)) {
    if (entries.find((e) => e.name === name)?.kind !== kind) throw new ContainerError(`index incomplet : tableau ${name} absent ou d'un autre type`);
  }
  return { meta, sections: sections as SectionsOf<S> };
}

/** Many strings in one block of UTF-8, decoded one at a time when a result needs them. */
export class StringTable {
  private static readonly decoder = new TextDecoder();
  constructor(
    readonly bytes: Uint8Array,
    readonly offsets: Uint32Array,
  ) {}

  get(i: number): string {
    return StringTable.decoder.decode(this.bytes.subarray(this.offsets[i], this.offsets[i + 1]));
  }

  static build(strings: readonly string[]): StringTable {
    const encoder = new TextEncoder();
    const encoded = strings.map((s) => encoder.encode(s));
    const offsets = new Uint32Array(strings.length + 1);
    let total = 0;
    encoded.forEach((e, i) => {
      offsets[i] = total;
      total += e.length;
    });
    offsets[strings.length] = total;
    const bytes = new Uint8Array(total);
    encoded.forEach((e, i) => bytes.set(e, offsets[i]));
    return new StringTable(bytes, offsets);
  }
}
