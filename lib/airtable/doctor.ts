// What `npm run doctor` checks in Airtable: the token, the base, the token's rights on it, and
// the base's structure against the kit's tables (lib/base/tables.ts and the answers and statistics
// tables). Each check is one request at most, tried once with a short time-out: a doctor reports,
// it does not wait out an outage. Nothing here writes: the probes of the write rights send
// requests Airtable must refuse (an empty list of records, a field without a name).
import { answerFields, ANSWERS_TABLE } from "./answer-sink.ts";
import { paceRequest, type AirtableConfig } from "./client.ts";
import type { MetaTable } from "./setup.ts";
import { STATS_TABLE, statsFields } from "./stats-sink.ts";
import { SITE, TABLES } from "../base/tables.ts";
import type { FormDefinition } from "../forms/definitions.ts";
import { probe, type Reply } from "../site/probe.ts";

export type CheckStatus = "ok" | "fail" | "skip";

/** One line of the checklist: ✔, ✘ (with what to do) or skipped (for information, never a failure). */
export interface Check {
  status: CheckStatus;
  label: string;
  /** The problems, one per line, each naming its table, record or field. */
  details?: string[];
  /** What to do, for a failed line (or how to enable a skipped one). */
  fix?: string;
}

/** How long one request of the doctor may take. */
export const DOCTOR_TIMEOUT_MS = 5_000;

/** The scopes the kit's code uses, and what for. */
export const REQUIRED_SCOPES = {
  "data.records:read": "lire les pages et les questions (construction du site)",
  "data.records:write": "écrire les réponses et les statistiques dans Airtable",
  "schema.bases:read": "lire la structure de la base (npm run airtable:setup, npm run doctor)",
  "schema.bases:write": "créer les tables et les champs (npm run airtable:setup)",
} as const;
type Scope = keyof typeof REQUIRED_SCOPES;
const SCOPES = Object.keys(REQUIRED_SCOPES) as Scope[];

const TOKENS_PAGE = "https://airtable.com/create/tokens";

async function ask(config: AirtableConfig, method: string, path: string, timeoutMs: number, body?: unknown): Promise<Reply> {
  await paceRequest(config.baseId);
  const headers = { authorization: `Bearer ${config.token}`, "content-type": "application/json" };
  return probe(`${config.endpointUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }, timeoutMs);
}

const unexpected = (reply: Reply): string =>
  "unreachable" in reply ? reply.unreachable : reply.status === 429 ? "Airtable limite le nombre de requêtes ; réessayez dans une minute" : `Airtable a répondu ${reply.status}`;

export interface AirtableAccess {
  checks: Check[];
  /** The base's tables, when its schema could be read. */
  tables?: MetaTable[];
  /** Whether the base's records can be read (the base reachable and data.records:read granted). */
  recordsReadable: boolean;
}

/** The token, the base and the token's rights on it: a line each, stopping at the first that fails. */
export async function checkAirtableAccess(config: AirtableConfig, timeoutMs = DOCTOR_TIMEOUT_MS): Promise<AirtableAccess> {
  const checks: Check[] = [];
  const who = await ask(config, "GET", "/v0/meta/whoami", timeoutMs);
  if ("unreachable" in who || (who.status !== 200 && who.status !== 401)) {
    checks.push({
      status: "fail",
      label: `Airtable injoignable (${unexpected(who)})`,
      fix: "Vérifiez votre connexion à internet (et AIRTABLE_ENDPOINT_URL si vous l'avez définie), puis relancez npm run doctor.",
    });
    return { checks, recordsReadable: false };
  }
  if (who.status === 401) {
    checks.push({
      status: "fail",
      label: "Jeton Airtable refusé (AIRTABLE_TOKEN)",
      fix: `Copiez le jeton en entier (il commence par « pat ») ; s'il a été révoqué ou a expiré, créez-en un sur ${TOKENS_PAGE}.`,
    });
    return { checks, recordsReadable: false };
  }
  checks.push({ status: "ok", label: "Jeton Airtable accepté" });
  // Only an OAuth access token's scopes are told (Airtable's "Get user info"); a personal access
  // token's show as 403s on the requests that need them.
  const told = (who.body as { scopes?: unknown } | undefined)?.scopes;
  const listed = Array.isArray(told) ? told.filter((s): s is string => typeof s === "string") : undefined;

  const base = encodeURIComponent(config.baseId);
  const meta = await ask(config, "GET", `/v0/meta/bases/${base}/tables`, timeoutMs);
  let tables: MetaTable[] | undefined;
  const have = new Map<Scope, boolean | undefined>();
  if ("status" in meta && meta.status === 200) {
    tables = (meta.body as { tables?: MetaTable[] } | undefined)?.tables ?? [];
    have.set("schema.bases:read", true);
  } else if ("status" in meta && (meta.status === 403 || meta.status === 404)) {
    // Airtable does not tell a base out of reach from a missing schema.bases:read: the records
    // of a table answer for the base itself.
    const records = await ask(config, "GET", `/v0/${base}/${encodeURIComponent(SITE.name)}?pageSize=1`, timeoutMs);
    if (!("status" in records && records.status === 200)) {
      checks.push({
        status: "fail",
        label: `Base Airtable ${config.baseId} introuvable, ou ce jeton n'y a pas accès`,
        fix:
          `Vérifiez AIRTABLE_BASE_ID (l'identifiant dans l'adresse de la base : airtable.com/appXXXXXXXXXXXXXX/…) et, sur ${TOKENS_PAGE}, ` +
          "que le jeton a accès à cette base (« Access ») avec les droits data.records:read et schema.bases:read.",
      });
      return { checks, recordsReadable: false };
    }
    have.set("schema.bases:read", false);
    have.set("data.records:read", true);
  } else {
    checks.push({ status: "fail", label: `Base Airtable ${config.baseId} : ${unexpected(meta)}`, fix: "Relancez npm run doctor dans quelques minutes." });
    return { checks, recordsReadable: false };
  }
  checks.push({ status: "ok", label: `Base Airtable ${config.baseId} accessible` });

  if (listed) {
    for (const scope of SCOPES) have.set(scope, listed.includes(scope));
  } else {
    // A table to probe: the Site table, or any other; by its id, so a renamed table still does.
    const table = tables?.find((t) => t.name === SITE.name) ?? tables?.[0];
    const probe = async (scope: Scope, method: string, path: string, body?: unknown) => {
      if (have.has(scope)) return;
      const reply = await ask(config, method, path, timeoutMs, body);
      // With the right, Airtable answers (200, or 422 for the request it must refuse); without, 403.
      have.set(scope, "status" in reply && reply.status === 403 ? false : "status" in reply && (reply.status === 200 || reply.status === 422) ? true : undefined);
    };
    if (table) {
      const path = `/v0/${base}/${encodeURIComponent(table.id)}`;
      await probe("data.records:read", "GET", `${path}?pageSize=1`);
      await probe("data.records:write", "PATCH", path, { records: [] });
      await probe("schema.bases:write", "POST", `/v0/meta/bases/${base}/tables/${encodeURIComponent(table.id)}/fields`, {});
    }
  }
  const missing = SCOPES.filter((scope) => have.get(scope) === false);
  const unknown = SCOPES.filter((scope) => have.get(scope) === undefined);
  if (missing.length > 0) {
    checks.push({
      status: "fail",
      label: "Droits du jeton Airtable insuffisants",
      details: missing.map((scope) => `il manque ${scope} : pour ${REQUIRED_SCOPES[scope]}`),
      fix: `Sur ${TOKENS_PAGE}, ajoutez au jeton ${missing.length > 1 ? "ces droits" : "ce droit"} (« Scopes ») ; le kit a besoin de ${SCOPES.join(", ")}.`,
    });
  } else if (unknown.length > 0 && tables?.length === 0) {
    checks.push({
      status: "skip",
      label: `Droits du jeton Airtable non vérifiés (${unknown.join(", ")}) : la base n'a encore aucune table`,
      fix: "lancez npm run airtable:setup, puis relancez npm run doctor.",
    });
  } else if (unknown.length > 0) {
    checks.push({ status: "skip", label: `Droits du jeton Airtable non vérifiés (${unknown.join(", ")}) : Airtable a répondu autrement que prévu` });
  } else {
    checks.push({ status: "ok", label: `Droits du jeton Airtable suffisants (${SCOPES.join(", ")})` });
  }
  return { checks, tables, recordsReadable: have.get("data.records:read") !== false };
}

interface ExpectedField {
  name: string;
  type: string;
  choices?: readonly string[];
}

/** The tables the kit reads and writes, with their fields; the answers table's question columns when the forms are known. */
export function expectedTables(forms: FormDefinition[] = []): Array<{ name: string; fields: ExpectedField[] }> {
  const fromSpecs = (specs: ReturnType<typeof statsFields>): ExpectedField[] =>
    specs.map((spec) => {
      const choices = (spec.options as { choices?: Array<{ name: string }> } | undefined)?.choices;
      return { name: spec.name, type: spec.type, ...(choices ? { choices: choices.map((c) => c.name) } : {}) };
    });
  return [
    ...TABLES.map((table) => ({
      name: table.name,
      fields: Object.entries(table.fields).map(([name, def]) => ({ name, type: def.airtableType, ...(def.choices ? { choices: def.choices } : {}) })),
    })),
    { name: ANSWERS_TABLE, fields: fromSpecs(answerFields(forms)) },
    { name: STATS_TABLE, fields: fromSpecs(statsFields()) },
  ];
}

const quoted = (names: readonly string[]) => names.map((n) => `« ${n} »`).join(", ");

export interface StructureReport {
  check: Check;
  /** Whether a table the base is read from (Site, Services, Questions…) lacks a field or has a wrong one. */
  baseTablesDrift: boolean;
}

/**
 * The base's tables and fields against the kit's: each table or field absent (which npm run
 * airtable:setup adds), each field of another type and each single select missing choices
 * (which only a change in Airtable fixes: setup never changes an existing field).
 */
export function checkAirtableStructure(tables: MetaTable[], forms?: FormDefinition[]): StructureReport {
  const bySetup: string[] = [];
  const byHand: string[] = [];
  let baseTablesDrift = false;
  const baseTables = new Set<string>(TABLES.map((t) => t.name));
  for (const wanted of expectedTables(forms)) {
    const table = tables.find((t) => t.name === wanted.name);
    const before = bySetup.length + byHand.length;
    if (!table) {
      bySetup.push(`table « ${wanted.name} » absente`);
    } else {
      for (const field of wanted.fields) {
        const present = table.fields.find((f) => f.name === field.name);
        const where = `table « ${wanted.name} » : champ « ${field.name} »`;
        if (!present) {
          bySetup.push(`${where} absent`);
        } else if (present.type !== field.type) {
          byHand.push(`${where} de type ${present.type}, attendu ${field.type}`);
        } else if (field.choices) {
          const choices = ((present.options as { choices?: Array<{ name?: unknown }> } | undefined)?.choices ?? []).map((c) => String(c.name));
          const missing = field.choices.filter((c) => !choices.includes(c));
          const extra = choices.filter((c) => !field.choices?.includes(c));
          if (missing.length > 0) {
            byHand.push(
              `${where} : ${missing.length > 1 ? "choix absents" : "choix absent"} ${quoted(missing)}` +
                (extra.length > 0 ? ` (choix inconnus du kit : ${quoted(extra)} ; renommé${extra.length > 1 ? "s" : ""} ?)` : ""),
            );
          }
        }
      }
    }
    if (baseTables.has(wanted.name) && bySetup.length + byHand.length > before) baseTablesDrift = true;
  }
  const details = [...bySetup.map((d) => `${d} → npm run airtable:setup`), ...byHand.map((d) => `${d} → à corriger dans Airtable`)];
  if (details.length === 0) return { check: { status: "ok", label: "Structure de la base Airtable conforme (tables, champs, types et choix)" }, baseTablesDrift };
  const fixes = [
    ...(bySetup.length > 0 ? ["Lancez npm run airtable:setup : il ajoute les tables et les champs absents, sans rien effacer."] : []),
    ...(byHand.length > 0
      ? [
          "Dans Airtable, modifiez les champs signalés (clic sur le nom du champ → « Modifier le champ ») : son type, ou ses choix " +
            "(ajoutez les choix absents ; un choix renommé reprend son nom d'origine). npm run airtable:setup ne change jamais un champ existant.",
        ]
      : []),
  ];
  return { check: { status: "fail", label: "Structure de la base Airtable différente de celle du kit", details, fix: fixes.join(" ") }, baseTablesDrift };
}
