// The embedded sample base, copied for a test to change, and the problems validation reports.
import { expect } from "vitest";
import { BaseValidationError, validateBase, type RawBase } from "../../lib/base/index.ts";
import { readEmbeddedBase } from "../../lib/base/embedded.ts";

export async function sampleBase(): Promise<RawBase> {
  return structuredClone(await readEmbeddedBase());
}

/** Each problem validation reports, one line each; fails the test when the base is accepted. */
export function problemsOf(raw: RawBase): string[] {
  try {
    validateBase(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(BaseValidationError);
    return (error as BaseValidationError).message.split("\n").slice(1).map((line) => line.trim());
  }
  throw new Error("the base was accepted");
}
