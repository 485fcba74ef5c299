import { describe, expect, it } from "vitest";
import { afterFailure, AirtableRequestFailed, classifyFailure, DEFAULT_RETRY, withRetries } from "../lib/airtable/client.ts";


describe("failure classification", () => {
  it.each([
    [{ statusCode: 429, error: "TOO_MANY_REQUESTS", message: "x" }, "rate-limited"],
    [{ statusCode: 502, error: "UNEXPECTED_ERROR", message: "x" }, "transient"],
    [{ statusCode: 503, error: "SERVICE_UNAVAILABLE", message: "x" }, "transient"],
    [{ error: "CONNECTION_ERROR", message: "socket hang up" }, "transient"],
    [Object.assign(new Error("request to http://x failed, reason: socket hang up"), { name: "FetchError", code: "ECONNRESET" }), "transient"],
    [Object.assign(new Error("The user aborted a request."), { name: "AbortError" }), "transient"],
    [{ statusCode: 401, error: "AUTHENTICATION_REQUIRED", message: "x" }, "permanent"],
    [{ statusCode: 422, error: "INVALID_RECORDS", message: "x" }, "permanent"],
    // A bug is not a network error: retrying it would spin until the deadline, every minute.
    [new TypeError("Cannot read properties of undefined (reading 'label')"), "permanent"],
  ])("%o is %s", (error, kind) => {
    expect(classifyFailure(error).kind).toBe(kind);
  });
});

describe("the one retry policy (reader, setup and flush)", () => {
  const http = (statusCode: number, error = "X") => Object.assign(new Error(error), { statusCode, error });
  const policy = { ...DEFAULT_RETRY, random: () => 0.5 };

  it("waits out a 429, backs off on a 5xx, and gives up on a refusal or after the last attempt", () => {
    expect(afterFailure(http(429), 1, policy)).toMatchObject({ retry: true, delayMs: 30_000 });
    expect([1, 2, 3].map((attempt) => (afterFailure(http(503), attempt, policy) as { delayMs: number }).delayMs)).toEqual([500, 1000, 2000]);
    expect(afterFailure(http(503), 4, policy)).toMatchObject({ retry: false, failure: { kind: "transient" } });
    expect(afterFailure(http(401, "AUTHENTICATION_REQUIRED"), 1, policy)).toMatchObject({ retry: false, failure: { kind: "permanent", status: 401 } });
    expect((afterFailure(http(503), 20, { ...policy, attempts: Infinity }) as { delayMs: number }).delayMs).toBe(30_000);
  });

  it("retries with the policy's waits, on an injected sleep, then says why it stopped", async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    let calls = 0;
    expect(await withRetries(async () => (++calls < 3 ? Promise.reject(http(502)) : "ok"), { sleep, policy: { random: () => 0.5 } })).toBe("ok");
    expect(waits).toEqual([500, 1000]);
    await expect(withRetries(() => Promise.reject(http(422, "INVALID_VALUE")), { sleep })).rejects.toBeInstanceOf(AirtableRequestFailed);
    expect(waits).toHaveLength(2);
  });
});
