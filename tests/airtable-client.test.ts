import { describe, expect, it } from "vitest";
import { AirtableConfigError, airtableConfig, classifyFailure } from "../lib/airtable/client.ts";

describe("Airtable configuration", () => {
  it("is off without variables, and follows airtable.js's AIRTABLE_ENDPOINT_URL", () => {
    expect(airtableConfig({})).toBeUndefined();
    expect(airtableConfig({ AIRTABLE_TOKEN: "pat1", AIRTABLE_BASE_ID: "appABCDEFGHIJKLMN" })).toEqual({
      token: "pat1",
      baseId: "appABCDEFGHIJKLMN",
      endpointUrl: "https://api.airtable.com",
    });
    expect(airtableConfig({ AIRTABLE_TOKEN: "pat1", AIRTABLE_BASE_ID: "appABCDEFGHIJKLMN", AIRTABLE_ENDPOINT_URL: "http://127.0.0.1:9/" })?.endpointUrl).toBe("http://127.0.0.1:9");
  });

  it("says which variable is missing, and what a base id looks like", () => {
    expect(() => airtableConfig({ AIRTABLE_TOKEN: "pat1" })).toThrow(new AirtableConfigError(
      "Airtable à moitié configuré : AIRTABLE_BASE_ID manque. Définissez les deux variables, ou aucune pour utiliser la base embarquée (data/base).",
    ));
    expect(() => airtableConfig({ AIRTABLE_TOKEN: "pat1", AIRTABLE_BASE_ID: "tblABCDEFGHIJKLMN" })).toThrow(/n'est pas un identifiant de base Airtable/);
  });
});

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
