// Reading a request's body within a limit, for every function that reads one (answers, events).

export class BodyTooLarge extends Error {
  override name = "BodyTooLarge";
}

export class BodyInterrupted extends Error {
  override name = "BodyInterrupted";
}

/**
 * Reads the whole body, but never more than maxBytes (plus the one chunk that crossed it):
 * a huge or chunked upload is cut off while streaming instead of being buffered first.
 */
export async function readBytes(req: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  // An honest Content-Length over the limit is refused before reading anything.
  if (Number(req.headers.get("content-length") ?? "0") > maxBytes) throw new BodyTooLarge();
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      // The client went away mid-upload: nothing to keep, and nobody left to answer but the logs.
      throw new BodyInterrupted();
    }
    const { done, value } = chunk;
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // Chunked or lying Content-Length: stop the upload now. Not awaited, so a slow client can't hold us.
      reader.cancel().catch(() => undefined);
      throw new BodyTooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
