// Downloading the BAN's département exports (adresses-XX.csv.gz from its "latest" folder).
import { createWriteStream } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DEPARTEMENT } from "./departements.ts";

export const DEFAULT_BAN_EXPORT_URL = "https://adresse.data.gouv.fr/data/ban/adresses/latest/csv";

export class DownloadError extends Error {
  override name = "DownloadError";
}

export interface DownloadProgress {
  url: string;
  received: number;
  total?: number;
}

/** Downloads adresses-<code>.csv.gz into a temporary folder and returns its path. */
export async function downloadDepartement(
  code: string,
  baseUrl = DEFAULT_BAN_EXPORT_URL,
  onProgress?: (progress: DownloadProgress) => void,
): Promise<string> {
  const upper = code.toUpperCase();
  if (!DEPARTEMENT.test(upper)) throw new DownloadError(`« ${code} » n'est pas un code de département (ex. 93, 2A, 974).`);
  const url = `${baseUrl.replace(/\/+$/, "")}/adresses-${upper}.csv.gz`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(10 * 60_000) });
  } catch (error) {
    throw new DownloadError(`${url} injoignable : ${(error as Error).message}`);
  }
  if (response.status === 404) throw new DownloadError(`${url} : pas d'export pour le département ${upper}.`);
  if (!response.ok || !response.body) throw new DownloadError(`${url} : réponse ${response.status}.`);
  const total = Number(response.headers.get("content-length")) || undefined;
  const path = join(await mkdtemp(join(tmpdir(), "ban-")), `adresses-${upper}.csv.gz`);
  let received = 0;
  const body = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>);
  body.on("data", (chunk: Buffer) => {
    received += chunk.length;
    onProgress?.({ url, received, total });
  });
  await pipeline(body, createWriteStream(path));
  return path;
}
