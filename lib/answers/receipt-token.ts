// The key to a citizen's receipt (/<form>/merci/?recu=<token>): which answer, and until when it
// may be shown, signed with the key only the functions hold (the build's, as the timing tokens).
// Whoever has the address can read the answers it names until it expires: it is short-lived, and
// the receipt page keeps it out of referrers, caches and search engines (lib/answers/receipt.ts).
import { createHmac, timingSafeEqual } from "node:crypto";
import { ANSWER_ID } from "./answer.ts";

/** A receipt shows personal data: long enough to print it or save it, no longer. */
export const RECEIPT_LIFETIME_MS = 2 * 3600_000;

/** The query parameter that carries the token. */
export const RECEIPT_PARAM = "recu";

// <answer id>.<expiry, seconds since 1970>.<signature>
const TOKEN = /^([a-f0-9]{24})\.(\d{10,11})\.([A-Za-z0-9_-]{22})$/;

// "receipt" first, and four lines where a timing token signs three: one key, never one signature for both.
const sign = (key: string, form: string, id: string, expires: string) =>
  createHmac("sha256", key).update(`receipt\n${form}\n${id}\n${expires}`).digest().subarray(0, 16).toString("base64url");

/** A token for the receipt of answer `id` of `form`, valid for `lifetimeMs` from `now`. */
export function issueReceiptToken(key: string, form: string, id: string, now: number, lifetimeMs = RECEIPT_LIFETIME_MS): string {
  if (!ANSWER_ID.test(id)) throw new Error(`invalid answer id: ${id}`);
  const expires = String(Math.ceil((now + lifetimeMs) / 1000));
  return `${id}.${expires}.${sign(key, form, id, expires)}`;
}

/**
 * What a token says: the answer it names, or why it names none. An expired token still names its
 * answer (the signature holds), so the page can give the reference back, without the answers.
 */
export type ReceiptTokenCheck =
  | { ok: true; id: string; expiresAt: number }
  | { ok: false; reason: "missing" | "invalid" }
  | { ok: false; reason: "expired"; id: string };

export function readReceiptToken(key: string, form: string, token: string | null | undefined, now: number): ReceiptTokenCheck {
  if (!token) return { ok: false, reason: "missing" };
  const match = TOKEN.exec(token);
  if (!match) return { ok: false, reason: "invalid" };
  const [, id = "", expires = "", signature = ""] = match;
  if (!timingSafeEqual(Buffer.from(sign(key, form, id, expires)), Buffer.from(signature))) return { ok: false, reason: "invalid" };
  const expiresAt = Number(expires) * 1000;
  if (now >= expiresAt) return { ok: false, reason: "expired", id };
  return { ok: true, id, expiresAt };
}
