// Reading a submission body: the size limit holds while streaming, whatever the Content-Length says.
import { describe, expect, it } from "vitest";
import { BodyError, MAX_BODY_BYTES, readSubmission } from "../lib/answers/body.ts";

const CHUNK = 16 * 1024;
const HUGE = 100 * 1024 * 1024;
const TOO_LARGE = `Réponse trop volumineuse (${MAX_BODY_BYTES / 1024} Kio au plus).`;
const BOUNDARY = "----KitBoundaryAbC"; // mixed case: the boundary must reach the parser unchanged
const encoder = new TextEncoder();

/** A lazy body of `size` bytes (`content`, or "a"s) in 16 KiB chunks, counting what was pulled from it. */
function countingStream(size: number, content?: Uint8Array) {
  const stats = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (stats.pulled >= size) return controller.close();
        const n = Math.min(CHUNK, size - stats.pulled);
        controller.enqueue(content ? content.slice(stats.pulled, stats.pulled + n) : new Uint8Array(n).fill(0x61));
        stats.pulled += n;
      },
      cancel() {
        stats.cancelled = true;
      },
    },
    // No read-ahead: pull runs only when the reader asks, so `pulled` is what the reader took.
    { highWaterMark: 0 },
  );
  return { stream, stats };
}

function post(contentType: string, body: BodyInit | null, headers: Record<string, string> = {}): Request {
  // Node needs duplex: "half" for a stream body; the DOM RequestInit type doesn't know it.
  const init = { method: "POST", body, headers: { "content-type": contentType, ...headers }, duplex: "half" };
  return new Request("https://kit.test/formulaires/essai/envoyer", init as RequestInit);
}

async function failure(promise: Promise<unknown>): Promise<BodyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BodyError);
  return error as BodyError;
}

/** A body of exactly `size` bytes carrying the field name = "a"…, in each format. */
const kinds = {
  urlencoded: {
    type: "application/x-www-form-urlencoded",
    body: (size: number) => `name=${"a".repeat(size - 5)}`,
  },
  json: {
    type: "application/json",
    body: (size: number) => `{"name":"${"a".repeat(size - 11)}"}`,
  },
  multipart: {
    type: `multipart/form-data; boundary=${BOUNDARY}`,
    body: (size: number) => {
      const head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="name"\r\n\r\n`;
      const tail = `\r\n--${BOUNDARY}--\r\n`;
      return head + "a".repeat(size - head.length - tail.length) + tail;
    },
  },
};

describe.each(Object.entries(kinds))("%s body size limit", (_kind, { type, body }) => {
  it("stops a 100 MB chunked body (no Content-Length) at the limit and cancels it", async () => {
    const { stream, stats } = countingStream(HUGE);
    const error = await failure(readSubmission(post(type, stream)));
    expect(error.status).toBe(413);
    expect(error.message).toBe(TOO_LARGE);
    expect(stats.pulled).toBeLessThanOrEqual(MAX_BODY_BYTES + CHUNK);
    expect(stats.cancelled).toBe(true);
  });

  it("refuses a 100 MB Content-Length before reading anything", async () => {
    const { stream, stats } = countingStream(HUGE);
    const error = await failure(readSubmission(post(type, stream, { "content-length": String(HUGE) })));
    expect(error.status).toBe(413);
    expect(error.message).toBe(TOO_LARGE);
    expect(stats.pulled).toBe(0);
  });

  it("still stops at the limit when Content-Length lies (says 10, sends 1 MB)", async () => {
    const { stream, stats } = countingStream(1024 * 1024);
    const error = await failure(readSubmission(post(type, stream, { "content-length": "10" })));
    expect(error.status).toBe(413);
    expect(stats.pulled).toBeLessThanOrEqual(MAX_BODY_BYTES + CHUNK);
    expect(stats.cancelled).toBe(true);
  });

  it.each([
    ["without", false],
    ["with", true],
  ])("reads a body just under the limit, %s Content-Length", async (_with, withLength) => {
    const text = body(MAX_BODY_BYTES - 1);
    const bytes = encoder.encode(text);
    expect(bytes.byteLength).toBe(MAX_BODY_BYTES - 1);
    const { stream, stats } = countingStream(bytes.byteLength, bytes);
    const headers: Record<string, string> = withLength ? { "content-length": String(bytes.byteLength) } : {};
    const raw = await readSubmission(post(type, stream, headers));
    expect(raw.name).toEqual([text.match(/a{1000,}/)?.[0]]);
    expect(stats.pulled).toBe(bytes.byteLength);
  });

  it("honours a smaller maxBytes", async () => {
    const bytes = encoder.encode(body(2048));
    const error = await failure(readSubmission(post(type, bytes), 1024));
    expect(error.status).toBe(413);
    expect(error.message).toBe("Réponse trop volumineuse (1 Kio au plus).");
  });
});

describe("multipart parsing", () => {
  it("keeps text fields (repeated ones too) and ignores files", async () => {
    const form = new FormData();
    form.append("nom", "Camille Dupont");
    form.append("themes", "logement");
    form.append("themes", "santé");
    form.append("piece", new Blob(["%PDF-1.7"], { type: "application/pdf" }), "justificatif.pdf");
    const raw = await readSubmission(new Request("https://kit.test/envoyer", { method: "POST", body: form }));
    expect({ ...raw }).toEqual({ nom: ["Camille Dupont"], themes: ["logement", "santé"] });
  });

  it.each([
    ["garbage", `multipart/form-data; boundary=${BOUNDARY}`, "ceci n'est pas un formulaire"],
    ["no boundary", "multipart/form-data", `--${BOUNDARY}\r\n\r\n`],
  ])("gives 400 on %s", async (_case, type, body) => {
    const error = await failure(readSubmission(post(type, body)));
    expect(error.status).toBe(400);
    expect(error.message).toBe("Le formulaire envoyé est illisible.");
  });
});

describe("fields named like Object.prototype members", () => {
  const multipart =
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\na\r\n` +
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="constructor"\r\n\r\nb\r\n--${BOUNDARY}--\r\n`;
  it.each([
    ["urlencoded", "application/x-www-form-urlencoded", "__proto__=a&constructor=b"],
    ["json", "application/json", '{"__proto__":"a","constructor":"b"}'],
    ["multipart", `multipart/form-data; boundary=${BOUNDARY}`, multipart],
  ])("keeps __proto__ and constructor as plain fields (%s)", async (_kind, type, body) => {
    const raw = await readSubmission(post(type, body));
    expect(Object.getPrototypeOf(raw)).toBeNull();
    expect(Object.keys(raw)).toEqual(["__proto__", "constructor"]);
    expect(raw["__proto__"]).toEqual(["a"]);
    expect(raw["constructor"]).toEqual(["b"]);
  });
});

describe("other errors and edge cases", () => {
  it("reads a request with no body as an empty body", async () => {
    const raw = await readSubmission(post("application/x-www-form-urlencoded", null));
    expect(Object.keys(raw)).toEqual([]);
    expect((await failure(readSubmission(post("application/json", null)))).status).toBe(400);
  });

  it("gives 400 on invalid UTF-8", async () => {
    const error = await failure(readSubmission(post("application/x-www-form-urlencoded", new Uint8Array([0x6e, 0x3d, 0xff, 0xfe]))));
    expect(error).toMatchObject({ status: 400, message: "Le contenu envoyé n'est pas du texte UTF-8 valide." });
  });

  it("gives 400 on bad JSON", async () => {
    const error = await failure(readSubmission(post("application/json", "{nom:")));
    expect(error).toMatchObject({ status: 400, message: "Le corps de la requête n'est pas un JSON valide." });
  });

  it("gives 415 on an unsupported content type, without reading", async () => {
    const { stream, stats } = countingStream(HUGE);
    const error = await failure(readSubmission(post("text/plain", stream)));
    expect(error.status).toBe(415);
    expect(error.message).toBe("Envoyez le formulaire en application/x-www-form-urlencoded, multipart/form-data ou application/json.");
    expect(stats.pulled).toBe(0);
  });
});

describe("an upload cut off by the client", () => {
  it("is a 400, not a crash", async () => {
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(new TextEncoder().encode("a=1&b="));
        } else controller.error(new Error("socket hang up"));
      },
    });
    const req = new Request("http://localhost/api/submit/x", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body, duplex: "half" } as RequestInit);
    await expect(readSubmission(req)).rejects.toMatchObject({ status: 400 });
  });
});
