// How long the form was on screen before it was sent, measured by the server, not the browser:
// the form page fetches a token (GET /api/submit/<form>) that carries the time it was issued,
// signed with a key only the functions hold (written by the build to build/forms.json, never to
// the site). A submission without a token, with a forged or stale one, or sent too soon after it,
// only *looks* automated: it is kept in quarantine, never dropped.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { QuarantineReason } from "./answer.ts";

/** People do not fill a form in less than this; autofill and bots do. */
export const MIN_FILL_MS = 3000;
/** A page left open longer than this is odd enough to be looked at by a person. */
export const MAX_TOKEN_AGE_MS = 72 * 3600_000;
/** Clocks of two function instances may disagree by this much. */
const CLOCK_SKEW_MS = 60_000;

const TOKEN = /^(\d{13})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$/;

const sign = (key: string, form: string, issuedAt: string, nonce: string) =>
  createHmac("sha256", key).update(`${form}\n${issuedAt}\n${nonce}`).digest().subarray(0, 16).toString("base64url");

export function newSigningKey(): string {
  return randomBytes(32).toString("hex");
}

/** A token for one display of a form. Its nonce doubles as the form instance's id. */
export function issueTimingToken(key: string, form: string, now: number): string {
  const issuedAt = String(Math.floor(now)).padStart(13, "0");
  const nonce = randomBytes(16).toString("base64url");
  return `${issuedAt}.${nonce}.${sign(key, form, issuedAt, nonce)}`;
}

export type TimingCheck = { ok: true; instance: string } | { ok: false; reason: QuarantineReason };

export function checkTimingToken(key: string, form: string, token: string | undefined, now: number, minFillMs = MIN_FILL_MS): TimingCheck {
  if (!token) return { ok: false, reason: "no-timing" };
  const match = TOKEN.exec(token);
  if (!match) return { ok: false, reason: "bad-timing" };
  const [, issuedAt = "", nonce = "", signature = ""] = match;
  const expected = Buffer.from(sign(key, form, issuedAt, nonce));
  if (!timingSafeEqual(expected, Buffer.from(signature))) return { ok: false, reason: "bad-timing" };
  const age = now - Number(issuedAt);
  if (age < -CLOCK_SKEW_MS || age > MAX_TOKEN_AGE_MS) return { ok: false, reason: "bad-timing" };
  if (age < minFillMs) return { ok: false, reason: "too-fast" };
  return { ok: true, instance: `t-${nonce}` };
}
