// Netlify function: POST /api/submit/<form>. A thin shell over lib/answers/submit.ts.
import type { Config } from "@netlify/functions";
import { createSubmitHandler } from "../lib/answers/submit.ts";
import { answerStoreFromEnvironment } from "../lib/answers/environment.ts";
import { wantsJson } from "../lib/answers/body.ts";
import { JSON_HEADERS, SECURITY_HEADERS } from "../lib/site/headers.ts";
import { readPublishedForms } from "../lib/forms/published.ts";

// Loaded once per function instance (cold start), never per request.
let handler: Promise<(req: Request) => Promise<Response>> | undefined;

export default async function submit(req: Request): Promise<Response> {
  handler ??= readPublishedForms().then((forms) => createSubmitHandler({ forms, store: answerStoreFromEnvironment() }));
  try {
    return await (await handler)(req);
  } catch (error) {
    handler = undefined;
    console.error("submit function failed:", error);
    const message = "Service momentanément indisponible, réessayez dans quelques instants.";
    return wantsJson(req)
      ? new Response(JSON.stringify({ error: message }), { status: 503, headers: { ...JSON_HEADERS, "retry-after": "10" } })
      : new Response(message, { status: 503, headers: { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8", "retry-after": "10" } });
  }
}

export const config: Config = { path: "/api/submit/:form" };
