// The summary of new answers posted to the team's chat: the webhook and its frequency come from the
// Site table through the build (build/forms.json, never the base at run time), the counts from the
// store the answers are in, and the mark of what was already counted sits beside them. Separate
// from the flush to Airtable: a webhook that fails delays the summary, never an answer.
import type { AnswerStore } from "../answers/store.ts";
import { sendSummary, type MarkStore, type SummaryOutcome } from "../answers/summary.ts";
import { publishedFormsPath, readPublishedForms, type PublishedForms } from "../forms/published.ts";
import { postToWebhook, type WebhookPolicy } from "../site/webhook.ts";
import { answerStoreFromEnvironment } from "./answers.ts";
import { readConfig, type Config } from "./config.ts";

export type NotifyOutcome = SummaryOutcome | { status: "no-webhook" };

export interface NotifyOptions {
  forms: PublishedForms;
  store: AnswerStore;
  marks?: MarkStore;
  /** The deployed site's address, for the link to /stats/ (a function has it from Netlify's context). */
  siteUrl?: string;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  policy?: Partial<WebhookPolicy>;
  /** Send now, whatever the frequency (npm run answers:notify). */
  force?: boolean;
  /** Count and write the message, post nothing, move no mark. */
  dryRun?: boolean;
  /** New answers read at most per run (lib/answers/summary.ts MAX_READS). */
  maxReads?: number;
}

/**
 * What the build hands the scheduled function: the webhook (ANSWERS_WEBHOOK_URL first, else the
 * Site table's), its frequency and the site's name; nothing without a webhook.
 */
export function notifySettings(
  site: { answersWebhook?: string; summaryFrequency: "daily" | "hourly"; name: string },
  config: Pick<Config, "answersWebhook">,
): Pick<PublishedForms, "notify"> {
  const webhookUrl = config.answersWebhook ?? site.answersWebhook;
  return webhookUrl ? { notify: { webhookUrl, frequency: site.summaryFrequency, siteName: site.name } } : {};
}

/** The forms' titles by slug, as the pages show them. */
const titlesOf = (forms: PublishedForms) => Object.fromEntries(Object.entries(forms.forms).map(([slug, form]) => [slug, form.definition.title]));

export async function notifyNewAnswers(options: NotifyOptions): Promise<NotifyOutcome> {
  const settings = options.forms.notify;
  if (!settings && !options.dryRun) return { status: "no-webhook" };
  return sendSummary({
    store: options.store,
    marks: options.marks,
    titles: titlesOf(options.forms),
    frequency: settings?.frequency ?? "daily",
    post: async (text) => {
      if (!settings) throw new Error("pas de webhook");
      await postToWebhook(settings.webhookUrl, text, { policy: options.policy, sleep: options.sleep });
    },
    context: { siteName: settings?.siteName, siteUrl: options.siteUrl },
    now: options.now,
    force: options.force,
    dryRun: options.dryRun,
    maxReads: options.maxReads,
  });
}

/** What the scheduled function runs: the build's settings, the store of this deploy. */
export async function notifyFromEnvironment(siteUrl: string | undefined, config: Config = readConfig()): Promise<NotifyOutcome> {
  const forms = await readPublishedForms(publishedFormsPath(config.buildDir));
  if (!forms.notify) return { status: "no-webhook" };
  return notifyNewAnswers({ forms, store: answerStoreFromEnvironment(config), siteUrl });
}

/** A line for the function's log or the terminal: counts and status, never the address. */
export function outcomeLine(outcome: NotifyOutcome): string {
  switch (outcome.status) {
    case "no-webhook":
      return "Aucun webhook : renseignez « Webhook des réponses » dans la table Site, puis reconstruisez le site.";
    case "not-due":
      return "Pas encore l'heure du résumé (déjà envoyé pour cette période).";
    case "nothing-new":
      return "Rien de nouveau depuis le dernier résumé : aucun message envoyé.";
    case "dry-run":
      return `Message qui serait envoyé (rien n'est envoyé) :\n\n${outcome.text}`;
    case "sent":
      return `Résumé envoyé :\n\n${outcome.text}`;
    case "failed":
      return `Résumé non envoyé : ${outcome.error}. Les nombres seront renvoyés au prochain essai.`;
  }
}
