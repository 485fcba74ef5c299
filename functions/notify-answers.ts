// Netlify scheduled function: every hour, posts a summary of the new answers (counts only) to the
// webhook of the Site table, hourly or once a day at 9 h (Paris), as the table says. A run whose
// post fails leaves the mark where it was: the next run sends the same counts, and newer ones.
// Apart from functions/flush-answers.ts on purpose: a chat that is down never holds up an answer.
import type { Config, Context } from "@netlify/functions";
import { notifyFromEnvironment, outcomeLine } from "../lib/app/notify.ts";

export default async function notifyAnswers(_req: Request, context: Context): Promise<Response> {
  const outcome = await notifyFromEnvironment(context?.site?.url);
  console.log(`answers notify: ${outcomeLine(outcome)}`);
  return new Response(JSON.stringify({ status: outcome.status }), { status: 200, headers: { "content-type": "application/json" } });
}

export const config: Config = { schedule: "@hourly" };
