// What every Netlify function does around its handler: build it once per instance (a cold start
// reads build/ once, never per request), and when building or answering throws, log it, answer the
// function's own "unavailable" (a 503, never a stack trace) and build afresh on the next request.
import { htmlResponse } from "./headers.ts";

export type Handler = (req: Request) => Promise<Response>;

export function servedOnce(name: string, create: () => Promise<Handler>, unavailable: (req: Request) => Response, onFailure?: () => void): Handler {
  let handler: Promise<Handler> | undefined;
  return async (req) => {
    try {
      handler ??= create();
      return await (await handler)(req);
    } catch (error) {
      handler = undefined;
      onFailure?.();
      console.error(`${name} function failed:`, error);
      return unavailable(req);
    }
  };
}

/** A plain-text 503 for a page a function serves (a HTML page would need the site around it), with the site's headers. */
export function pageUnavailable(message: string): Response {
  return htmlResponse(503, message, { "content-type": "text/plain; charset=utf-8", "retry-after": "10" });
}
