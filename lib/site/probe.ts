// One HTTP request of `npm run doctor`, to Airtable or to Netlify: tried once, within a time
// limit, answered as its status and its JSON body (undefined when the body is not JSON: a gateway's
// HTML page, Netlify's plain-text "Unauthorized"; only the status matters then), or as the reason,
// in French, why nothing answered. Never the address: it may hold a secret.
export type Reply = { status: number; body: unknown } | { unreachable: string };

/** Why a request got no answer, in French. */
export function networkReason(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; cause?: { code?: string } };
  if (e.name === "TimeoutError" || e.name === "AbortError") return `pas de réponse en ${timeoutMs / 1000} s`;
  const code = e.cause?.code;
  if (code === "ECONNREFUSED") return "connexion refusée";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "adresse introuvable (pas de connexion à internet ?)";
  return code ?? (error instanceof Error ? error.message : String(error));
}

export async function probe(url: string, init: RequestInit, timeoutMs: number): Promise<Reply> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: response.status, body };
  } catch (error) {
    return { unreachable: networkReason(error, timeoutMs) };
  }
}
