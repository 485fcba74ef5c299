// Posting a message to an incoming webhook. Mattermost, Tchap (its webhook bridge) and Slack all
// take the same JSON, {"text": "…"}. A failure that may pass (5xx, 429, a dropped connection, a
// time-out) is tried again a few times with a growing pause, within a scheduled function's 30 s;
// anything else (404: a wrong or revoked address) is not. The address is a secret (whoever has it
// can post to the channel): no message here ever quotes it.
import { networkReason } from "./probe.ts";

/**
 * Why `value` is not an incoming webhook's address, in French (undefined: it is one): https, or
 * plain http on this machine only (tests, a local chat); never a user or password in it. Both
 * places an address comes from check it here: the Site table and ANSWERS_WEBHOOK_URL.
 */
export function webhookUrlProblem(value: string): string | undefined {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const local = url?.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url && (url.protocol === "https:" || local) && !url.username && !url.password) return undefined;
  return "doit être l'adresse https complète d'un webhook entrant (Mattermost, Tchap, Slack), ex. https://mattermost.example.gouv.fr/hooks/…";
}

export interface WebhookPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The pause after the first failure, doubled after each one. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** How long one attempt may take (a real timer: the request's own). */
  timeoutMs: number;
}

/** Three attempts, 2 s then 4 s apart, 5 s each at most: 21 s in the worst case. */
export const DEFAULT_WEBHOOK_POLICY: WebhookPolicy = { attempts: 3, baseBackoffMs: 2_000, maxBackoffMs: 8_000, timeoutMs: 5_000 };

export class WebhookFailed extends Error {
  override name = "WebhookFailed";
  constructor(
    message: string,
    readonly attempts: number,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface WebhookOptions {
  policy?: Partial<WebhookPolicy>;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Posts {"text": text} to the webhook; resolves with the attempts it took, or throws WebhookFailed. */
export async function postToWebhook(url: string, text: string, options: WebhookOptions = {}): Promise<{ attempts: number }> {
  const policy = { ...DEFAULT_WEBHOOK_POLICY, ...options.policy };
  const sleep = options.sleep ?? wait;
  const send = options.fetch ?? fetch;
  const body = JSON.stringify({ text });
  for (let attempt = 1; ; attempt++) {
    let retryable: boolean;
    let reason: string;
    let status: number | undefined;
    let pauseMs = Math.min(policy.maxBackoffMs, policy.baseBackoffMs * 2 ** (attempt - 1));
    try {
      const response = await send(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        // A redirect would turn the POST into a GET on some servers: a webhook that moved is a wrong address.
        redirect: "manual",
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) return { attempts: attempt };
      status = response.status;
      retryable = status >= 500 || status === 429 || status === 408;
      reason = retryable
        ? `le webhook répond ${status} (indisponible)`
        : `le webhook refuse le message (${status}) : vérifiez « Webhook des réponses » dans la table Site`;
      const retryAfter = Number(response.headers.get("retry-after"));
      if (status === 429 && retryAfter > 0) pauseMs = Math.min(policy.maxBackoffMs, retryAfter * 1000);
    } catch (error) {
      retryable = true;
      reason = `le webhook ne répond pas : ${networkReason(error, policy.timeoutMs)}`;
    }
    if (!retryable || attempt >= policy.attempts) {
      throw new WebhookFailed(`${reason}${retryable ? ` (${attempt} essai${attempt > 1 ? "s" : ""})` : ""}`, attempt, status);
    }
    await sleep(pauseMs);
  }
}
