// Reads a submission body (urlencoded, multipart or JSON) into field name → values.
import { emptyFields, type RawFields } from "../forms/field-types.ts";
import { BodyInterrupted, BodyTooLarge, readBytes as readLimited } from "../site/read-body.ts";

export const MAX_BODY_BYTES = 64 * 1024;

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

export function isJsonRequest(req: Request): boolean {
  return (req.headers.get("content-type") ?? "").toLowerCase().includes("application/json");
}

/** Whether the client wants JSON back (fetch) rather than a page (plain form POST). */
export function wantsJson(req: Request): boolean {
  if (isJsonRequest(req)) return true;
  const accept = (req.headers.get("accept") ?? "").toLowerCase();
  return accept.includes("application/json") && !accept.includes("text/html");
}

function tooLarge(maxBytes: number): BodyError {
  return new BodyError(413, `Réponse trop volumineuse (${maxBytes / 1024} Kio au plus).`);
}

/** The body within the limit, with the errors a citizen reads. */
async function readBytes(req: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  try {
    return await readLimited(req, maxBytes);
  } catch (error) {
    if (error instanceof BodyTooLarge) throw tooLarge(maxBytes);
    if (error instanceof BodyInterrupted) throw new BodyError(400, "L'envoi a été interrompu avant la fin : renvoyez le formulaire.");
    throw error;
  }
}

async function readText(req: Request, maxBytes: number): Promise<string> {
  const bytes = await readBytes(req, maxBytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new BodyError(400, "Le contenu envoyé n'est pas du texte UTF-8 valide.");
  }
}

function fromJson(text: string): RawFields {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BodyError(400, "Le corps de la requête n'est pas un JSON valide.");
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new BodyError(400, "Le corps JSON doit être un objet { champ: valeur }.");
  const raw = emptyFields();
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    const list = Array.isArray(value) ? value : [value];
    const strings: string[] = [];
    for (const item of list) {
      if (item === null || item === undefined) continue;
      if (typeof item === "string" || typeof item === "number" || typeof item === "boolean") {
        // A checkbox set to false is "not checked": send nothing for it.
        if (item !== false) strings.push(String(item));
      } else {
        throw new BodyError(400, `Le champ « ${name} » doit être un texte, un nombre, un booléen ou une liste.`);
      }
    }
    raw[name] = strings;
  }
  return raw;
}

function fromParams(params: Iterable<[string, string]>): RawFields {
  const raw = emptyFields();
  for (const [name, value] of params) (raw[name] ??= []).push(value);
  return raw;
}

export async function readSubmission(req: Request, maxBytes = MAX_BODY_BYTES): Promise<RawFields> {
  const contentType = req.headers.get("content-type") ?? "";
  const type = contentType.toLowerCase();
  if (type.includes("application/json")) return fromJson(await readText(req, maxBytes));
  if (type.includes("application/x-www-form-urlencoded")) return fromParams(new URLSearchParams(await readText(req, maxBytes)));
  if (type.includes("multipart/form-data")) {
    const bytes = await readBytes(req, maxBytes);
    let form: FormData;
    try {
      // Parse the bounded bytes, not req.formData(), which would buffer the whole upload.
      // The original header is kept: the boundary is case-sensitive.
      form = await new Response(bytes, { headers: { "content-type": contentType } }).formData();
    } catch {
      throw new BodyError(400, "Le formulaire envoyé est illisible.");
    }
    const entries: Array<[string, string]> = [];
    form.forEach((value, name) => {
      if (typeof value === "string") entries.push([name, value]); // file parts are ignored
    });
    return fromParams(entries);
  }
  throw new BodyError(415, "Envoyez le formulaire en application/x-www-form-urlencoded, multipart/form-data ou application/json.");
}
