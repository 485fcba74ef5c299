// A local stand-in for the Airtable Web API (records + Meta API), so tests can drive the real
// airtable.js client or fetch without network. It follows https://airtable.com/developers/web/api:
// same routes, status codes and error bodies. Where Airtable's answer is undocumented the fake
// refuses (422) rather than guess, and what it does not implement answers 501 NOT_IMPLEMENTED_BY_FAKE
// so that a test can never pass on behaviour the real service would not have.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { performance } from "node:perf_hooks";

/** Every scope of a token's that the kit's code relies on (and that the fake enforces). */
export const ALL_SCOPES = ["data.records:read", "data.records:write", "schema.bases:read", "schema.bases:write"] as const;

/**
 * A token the fake accepts, with what Airtable would let it do: its scopes and the bases it was
 * given access to. A personal access token's scopes are not told by whoami (only an OAuth access
 * token's are, per Airtable's "Get user info"): they show only as 403s on the routes that need them.
 */
export interface FakeToken {
  token: string;
  /** Default: all of ALL_SCOPES. */
  scopes?: readonly string[];
  /** Default: every base. */
  bases?: readonly string[];
  /** An OAuth access token (whoami then lists its scopes) rather than a personal access token. */
  oauth?: boolean;
}

export interface FakeAirtableOptions {
  /** A bearer token accepted with every scope on every base. Default "patTEST" (unless `tokens` is given). */
  token?: string;
  /** Further tokens, each with its own scopes and bases. */
  tokens?: FakeToken[];
  /** Requests admitted per base in any sliding one-second window. Default 5, as Airtable. */
  requestsPerSecond?: number;
  /** How long a base answers 429 once the rate is exceeded. Default 30 000 ms, as Airtable. */
  lockoutMs?: number;
  /**
   * The clock of the rate limit: a request is stamped with now() when it arrives, and the one-second
   * window and the lockout are counted on it. Default performance.now, real time. Tests pass a
   * VirtualClock's now (tests/support/clock.ts), shared with the code under test, rather than shorten
   * Airtable's durations: then no limit depends on how fast the machine is.
   */
  now?: () => number;
  /** How a slow fault waits. Default a real timer (which stop() cancels). */
  sleep?: (ms: number) => Promise<void>;
}

export type Fault =
  /** Answer this status without applying the request. */
  | { kind: "status"; status: number; times?: number; method?: string }
  /** Apply the request, then answer after delayMs, on the server's sleep (real time by default). */
  | { kind: "slow"; delayMs: number; times?: number; method?: string }
  /** Apply the request, then destroy the socket without answering. */
  | { kind: "drop-after-write"; times?: number; method?: string };

type Obj = Record<string, unknown>;
/** Cell values by field id; empty values are never stored, as Airtable omits them. */
type Cells = Map<string, unknown>;

interface Choice {
  id: string;
  name: string;
  color: string;
}
interface FieldDef {
  id: string;
  name: string;
  type: string;
  description?: string;
  options?: Obj;
}
interface Row {
  id: string;
  createdTime: string;
  cells: Cells;
}
interface TableDef {
  id: string;
  name: string;
  description?: string;
  viewId: string;
  fields: FieldDef[];
  rows: Row[];
  byId: Map<string, Row>;
}
/** A listing snapshot: the offset handed out names the iterator and the next record. */
interface ListIterator {
  tableId: string;
  ids: string[];
}
interface BaseState {
  id: string;
  tables: TableDef[];
  iterators: Map<string, ListIterator>;
  /** now() of each admitted request still inside the rate window. */
  admitted: number[];
  lockedUntil: number;
}
interface Reply {
  status: number;
  body?: unknown;
  html?: string;
}
/** Side effects of typecast, applied only once the whole request is known to be valid. */
interface WriteCtx {
  base: BaseState;
  typecast: boolean;
  choices: Array<{ field: FieldDef; name: string }>;
  linked: Array<{ table: TableDef; row: Row }>;
}
interface Plan {
  existing?: Row;
  id: string;
  /** Converted values by field id; undefined clears the cell. */
  cells: Map<string, unknown>;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`FakeAirtable answered ${status} ${JSON.stringify(body)}`);
  }
}

function fail(status: number, type: string, message?: string): never {
  throw new ApiError(status, { error: message === undefined ? { type } : { type, message } });
}

const PARAMS_INVALID = "Invalid request: parameter validation failed. Check your request data.";
function invalidRequest(message: string = PARAMS_INVALID): never {
  return fail(422, "INVALID_REQUEST_UNKNOWN", message);
}
function notImplemented(what: string): never {
  return fail(501, "NOT_IMPLEMENTED_BY_FAKE", `FakeAirtable does not implement ${what}`);
}
const NOT_FOUND: Reply = { status: 404, body: { error: "NOT_FOUND" } };
const FORBIDDEN: Reply = {
  status: 403,
  body: {
    error: {
      type: "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND",
      message:
        "Invalid permissions, or the requested model was not found. Check that both your user and your token have the required permissions, and that the model names and/or ids are correct.",
    },
  },
};
const RATE_LIMITED: Reply = {
  status: 429,
  body: { errors: [{ error: "RATE_LIMIT_REACHED", message: "Rate limit exceeded. Please try again later" }] },
};
const CREATE_SHAPE =
  'You must provide an array of up to 10 record objects, each with a "fields" object for cell values.';
const UPDATE_SHAPE =
  'You must provide an array of up to 10 record objects, each with an "id" ID field and a "fields" object for cell values.';
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const FAKE_USER_ID = "usrFAKEAIRTABLE0";

const REC_ID = /^rec[A-Za-z0-9]{14}$/;
const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
const TRUTHY = new Set(["true", "yes", "1", "on", "checked", "x"]);
const FALSY = new Set(["false", "no", "0", "off", "unchecked", ""]);

const HUES = ["blue", "cyan", "teal", "green", "yellow", "orange", "red", "pink", "purple", "gray"];
const SELECT_COLORS = new Set(HUES.flatMap((h) => ["Light2", "Light1", "Bright", "Dark1"].map((s) => h + s)));
const BRIGHT_COLORS = new Set(HUES.map((h) => `${h}Bright`));
// Colours handed to choices created without one, one hue after another.
const PALETTE = HUES.map((h) => `${h}Light2`);
const CHECKBOX_ICONS = new Set(["check", "xCheckbox", "star", "heart", "thumbsUp", "flag", "dot"]);
const DATE_FORMATS = new Map([
  ["local", "l"],
  ["friendly", "LL"],
  ["us", "M/D/YYYY"],
  ["european", "D/M/YYYY"],
  ["iso", "YYYY-MM-DD"],
]);
const TIME_FORMATS = new Map([
  ["12hour", "h:mma"],
  ["24hour", "HH:mm"],
]);
const TEXT_TYPES = new Set(["singleLineText", "multilineText", "richText", "email", "url", "phoneNumber"]);
const SUPPORTED_TYPES = new Set([
  ...TEXT_TYPES,
  "number",
  "checkbox",
  "singleSelect",
  "multipleSelects",
  "multipleRecordLinks",
  "date",
  "dateTime",
  "multipleAttachments",
]);
// Real Airtable types the fake does not model: they get a 501, unlike a typo which gets a 422.
const OTHER_AIRTABLE_TYPES = new Set([
  "currency",
  "percent",
  "duration",
  "rating",
  "singleCollaborator",
  "multipleCollaborators",
  "barcode",
  "formula",
  "rollup",
  "count",
  "multipleLookupValues",
  "autoNumber",
  "button",
  "createdTime",
  "lastModifiedTime",
  "createdBy",
  "lastModifiedBy",
  "aiText",
  "externalSyncSource",
]);
const NOT_PRIMARY = new Set(["checkbox", "multipleRecordLinks", "multipleAttachments"]);
// Airtable documents upsert keys as: number, text, long text, single select, multiple select, date.
const MERGEABLE = new Set([
  "singleLineText",
  "multilineText",
  "email",
  "url",
  "phoneNumber",
  "number",
  "singleSelect",
  "multipleSelects",
  "date",
]);

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
function newId(prefix: string): string {
  let id = prefix;
  for (const byte of randomBytes(14)) id += ALPHANUMERIC.charAt(byte % ALPHANUMERIC.length);
  return id;
}

// Airtable's createdTime has whole seconds: "2022-09-12T21:03:48.000Z".
const nowIso = (): string => new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
// Array.isArray narrows unknown to any[]; this keeps the elements unknown.
const isList = (value: unknown): value is unknown[] => Array.isArray(value);
const isObj = (value: unknown): value is Obj => typeof value === "object" && value !== null && !isList(value);
const isEmptyCell = (value: unknown): boolean =>
  value === undefined || value === null || value === "" || value === false || (isList(value) && value.length === 0);
const sameName = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();
const sameCell = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const idList = (value: unknown): string[] =>
  isList(value) ? value.filter((v): v is string => typeof v === "string") : [];
const optString = (field: FieldDef, key: string): string | undefined => {
  const value = field.options?.[key];
  return typeof value === "string" ? value : undefined;
};
// options.choices is only ever written by normalizeOptions or addChoice, always as Choice[].
const choicesOf = (field: FieldDef): Choice[] =>
  isList(field.options?.choices) ? (field.options.choices as Choice[]) : [];

function onlyKeys(object: Obj, allowed: readonly string[], onError: () => never = invalidRequest): void {
  for (const key of Object.keys(object)) if (!allowed.includes(key)) onError();
}

function cellText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (isList(value)) return value.map(cellText).join(", ");
  return value === undefined || value === null ? "" : JSON.stringify(value);
}

function compareCells(a: unknown, b: unknown): number {
  const emptyA = isEmptyCell(a);
  const emptyB = isEmptyCell(b);
  if (emptyA || emptyB) return emptyA === emptyB ? 0 : emptyA ? -1 : 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return cellText(a).localeCompare(cellText(b));
}

/** Offset of an IANA zone from UTC at an instant, in ms (Europe/Paris in July: +7 200 000). */
function zoneOffsetMs(zone: string, utcMs: number): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(utcMs));
  const part = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second"));
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/**
 * Milliseconds for an ISO date or date-time. Date.parse alone would roll 2023-02-30 over to March.
 * A value without a zone is read in `zone` (the field's time zone, as Airtable does) unless that is
 * "utc" or "client".
 */
function parseDateValue(text: string, lenient: boolean, zone?: string): number | undefined {
  let candidate = text;
  let wallClock = false;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    candidate = `${text}T00:00:00.000Z`;
    wallClock = true;
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) {
    candidate = `${text}Z`;
    wallClock = true;
  } else if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text) && !lenient) {
    return undefined;
  }
  let ms = Date.parse(candidate);
  if (Number.isNaN(ms)) return undefined;
  const ymd = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (ymd) {
    const [year, month, day] = [Number(ymd[1]), Number(ymd[2]), Number(ymd[3])];
    const check = new Date(Date.UTC(year, month - 1, day));
    if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  }
  if (wallClock && zone !== undefined && zone !== "utc" && zone !== "client") {
    // Two passes settle the offset even when the wall time is near a DST change.
    const first = ms - zoneOffsetMs(zone, ms);
    ms -= zoneOffsetMs(zone, first);
  }
  return ms;
}

function faultReply(status: number): Reply {
  // A gateway in front of Airtable answers 502/504 with HTML, not JSON.
  if (status === 502 || status === 504) {
    const title = status === 502 ? "502 Bad Gateway" : "504 Gateway Time-out";
    return { status, html: `<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>` };
  }
  if (status === 429) return RATE_LIMITED;
  if (status === 404) return NOT_FOUND;
  if (status === 401) return { status, body: { error: "AUTHENTICATION_REQUIRED" } };
  if (status === 503) {
    return {
      status,
      body: {
        error: {
          type: "RETRIABLE_ERROR",
          message: "Server encountered an error while processing your request, and it is safe to retry the request",
        },
      },
    };
  }
  if (status === 422) return { status, body: { error: { type: "INVALID_REQUEST_UNKNOWN", message: PARAMS_INVALID } } };
  return { status, body: { error: { type: "SERVER_ERROR", message: "Server error" } } };
}

function readBody(req: IncomingMessage): Promise<{ raw: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    let ended = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => {
      ended = true;
      resolve({ raw: Buffer.concat(chunks), tooLarge });
    });
    req.on("error", reject);
    req.on("close", () => {
      if (!ended) reject(new Error("request closed before its body ended"));
    });
  });
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.writableEnded || res.socket?.destroyed) return;
  try {
    if (reply.html !== undefined) {
      res.writeHead(reply.status, { "content-type": "text/html; charset=utf-8" });
      res.end(reply.html);
      return;
    }
    const text = JSON.stringify(reply.body ?? {});
    res.writeHead(reply.status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(text),
    });
    res.end(text);
  } catch {
    // The client went away while we were answering: nothing left to tell it.
  }
}

interface ListQuery {
  pageSize: number;
  maxRecords?: number;
  offset?: string;
  fields?: string[];
  sort: Array<{ field: string; direction: "asc" | "desc" }>;
  view?: string;
  byFieldId: boolean;
  commentCount: boolean;
}

/** Query-string parameters in the shapes airtable.js sends: fields[]=A, sort[0][field]=B. */
function paramsFromQuery(query: URLSearchParams): Obj {
  const out: Obj = {};
  const fields: string[] = [];
  const metadata: string[] = [];
  const sort: Array<Record<string, string>> = [];
  for (const [key, value] of query) {
    const sortKey = /^sort\[(\d+)\]\[(field|direction)\]$/.exec(key);
    if (key === "fields[]" || /^fields\[\d+\]$/.test(key)) fields.push(value);
    else if (key === "recordMetadata[]") metadata.push(value);
    else if (sortKey) (sort[Number(sortKey[1])] ??= {})[sortKey[2] ?? "field"] = value;
    else out[key] = value;
  }
  if (fields.length > 0) out.fields = fields;
  if (metadata.length > 0) out.recordMetadata = metadata;
  if (sort.length > 0) out.sort = sort.filter((entry) => entry !== undefined);
  return out;
}

function normalizeList(params: Obj): ListQuery {
  const integer = (value: unknown, min: number, max: number): number | undefined => {
    if (value === undefined) return undefined;
    const n = typeof value === "number" ? value : typeof value === "string" && /^\d+$/.test(value) ? Number(value) : NaN;
    return Number.isInteger(n) && n >= min && n <= max ? n : invalidRequest();
  };
  const flag = (value: unknown): boolean => {
    if (value === undefined || value === false || value === "false" || value === "0") return false;
    return value === true || value === "true" || value === "1" ? true : invalidRequest();
  };
  const strings = (value: unknown): string[] | undefined => {
    if (value === undefined) return undefined;
    return isList(value) && value.every((v): v is string => typeof v === "string") ? value : invalidRequest();
  };
  const text = (value: unknown): string | undefined =>
    value === undefined ? undefined : typeof value === "string" ? value : invalidRequest();
  const offset = text(params.offset);
  const view = text(params.view);
  const { cellFormat, filterByFormula } = params;
  if (cellFormat !== undefined && cellFormat !== "json") {
    if (cellFormat !== "string") invalidRequest();
    if (typeof params.timeZone !== "string" || typeof params.userLocale !== "string") invalidRequest();
    notImplemented("cellFormat=string");
  }
  if (filterByFormula !== undefined && typeof filterByFormula !== "string") invalidRequest();
  if (typeof filterByFormula === "string" && filterByFormula.trim() !== "") notImplemented("filterByFormula");
  const sort: ListQuery["sort"] = [];
  if (params.sort !== undefined) {
    if (!isList(params.sort)) invalidRequest();
    for (const entry of params.sort) {
      if (!isObj(entry) || typeof entry.field !== "string") return invalidRequest();
      const direction = entry.direction ?? "asc";
      if (direction !== "asc" && direction !== "desc") return invalidRequest();
      sort.push({ field: entry.field, direction });
    }
  }
  const metadata = strings(params.recordMetadata) ?? [];
  if (metadata.some((m) => m !== "commentCount")) invalidRequest();
  return {
    pageSize: integer(params.pageSize, 1, 100) ?? 100,
    maxRecords: integer(params.maxRecords, 1, Number.MAX_SAFE_INTEGER),
    // airtable.js's deprecated list() sends "offset=" on the first page.
    offset: offset === "" ? undefined : offset,
    fields: strings(params.fields),
    sort,
    view,
    byFieldId: flag(params.returnFieldsByFieldId),
    commentCount: metadata.length > 0,
  };
}

export class FakeAirtable {
  readonly stats = { requests: 0, rateLimited: 0, maxRequestsInOneWindow: 0, writes: 0 };
  readonly #tokens = new Map<string, FakeToken>();
  readonly #requestsPerSecond: number;
  readonly #windowMs: number;
  readonly #lockoutMs: number;
  readonly #now: () => number;
  readonly #injectedSleep: ((ms: number) => Promise<void>) | undefined;
  readonly #bases = new Map<string, BaseState>();
  readonly #faults: Array<{ fault: Fault; remaining: number }> = [];
  readonly #sockets = new Set<Socket>();
  /** Slow replies waiting: stop() ends them (a real timer is also cleared). */
  readonly #sleeps = new Set<{ timer?: NodeJS.Timeout; resolve: () => void }>();
  #server: Server | undefined;

  constructor(options: FakeAirtableOptions = {}) {
    if (options.token !== undefined || options.tokens === undefined) this.#tokens.set(options.token ?? "patTEST", { token: options.token ?? "patTEST" });
    for (const token of options.tokens ?? []) this.#tokens.set(token.token, token);
    this.#requestsPerSecond = options.requestsPerSecond ?? 5;
    this.#windowMs = 1000;
    this.#lockoutMs = options.lockoutMs ?? 30_000;
    // performance.now must be called as a method of performance.
    this.#now = options.now ?? (() => performance.now());
    this.#injectedSleep = options.sleep;
  }

  async start(): Promise<string> {
    if (this.#server) throw new Error("FakeAirtable is already started");
    const server = createServer((req, res) => {
      this.#onRequest(req, res).catch(() => req.socket.destroy());
    });
    server.on("connection", (socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    this.#server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    for (const sleep of this.#sleeps) {
      if (sleep.timer !== undefined) clearTimeout(sleep.timer);
      sleep.resolve();
    }
    this.#sleeps.clear();
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ---- Fixtures: set up and inspect state directly, outside HTTP, stats and rate limits. ----

  createBase(baseId: string): void {
    if (this.#bases.has(baseId)) throw new Error(`FakeAirtable: base ${baseId} already exists`);
    this.#bases.set(baseId, { id: baseId, tables: [], iterators: new Map(), admitted: [], lockedUntil: 0 });
  }

  /**
   * Validated exactly as the Meta API's create table: options are required where Airtable requires
   * them, and a link field also creates its inverse field in the linked table.
   */
  addTable(
    baseId: string,
    table: { name: string; fields: Array<{ name: string; type: string; options?: unknown }> },
  ): string {
    return this.#createTable(this.#fixtureBase(baseId), table).id;
  }

  /** Values are validated as a create without typecast; records are added one by one, in order. */
  addRecords(
    baseId: string,
    tableNameOrId: string,
    records: Array<{ id?: string; fields: Record<string, unknown> }>,
  ): void {
    const base = this.#fixtureBase(baseId);
    const table = this.#table(base, tableNameOrId);
    for (const record of records) {
      const id = record.id ?? newId("rec");
      if (!REC_ID.test(id) || base.tables.some((t) => t.byId.has(id))) {
        throw new Error(`FakeAirtable: record id ${id} is malformed or already used`);
      }
      this.#checkKeys(table, [record.fields]);
      const ctx: WriteCtx = { base, typecast: false, choices: [], linked: [] };
      this.#commit(ctx, table, [{ id, cells: this.#convertFields(ctx, table, record.fields) }], false);
    }
  }

  records(
    baseId: string,
    tableNameOrId: string,
  ): Array<{ id: string; createdTime: string; fields: Record<string, unknown> }> {
    const table = this.#table(this.#fixtureBase(baseId), tableNameOrId);
    return table.rows.map((row) => ({ id: row.id, createdTime: row.createdTime, fields: this.#fieldsJson(table, row) }));
  }

  tables(baseId: string): Array<{
    id: string;
    name: string;
    primaryFieldId: string;
    fields: Array<{ id: string; name: string; type: string; options?: unknown }>;
  }> {
    return this.#fixtureBase(baseId).tables.map((table) => ({
      id: table.id,
      name: table.name,
      primaryFieldId: table.fields[0]?.id ?? "",
      fields: table.fields.map((f) => ({
        id: f.id,
        name: f.name,
        type: f.type,
        ...(f.options === undefined ? {} : { options: structuredClone(f.options) }),
      })),
    }));
  }

  injectFault(fault: Fault): void {
    if (fault.kind === "status" && !(Number.isInteger(fault.status) && fault.status >= 100 && fault.status <= 599)) {
      throw new Error(`FakeAirtable: invalid fault status ${fault.status}`);
    }
    if (fault.kind === "slow" && !(fault.delayMs >= 0)) throw new Error("FakeAirtable: delayMs must be >= 0");
    this.#faults.push({ fault, remaining: fault.times ?? 1 });
  }

  // ---- HTTP ----

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.stats.requests++;
    let body: { raw: Buffer; tooLarge: boolean };
    try {
      body = await readBody(req);
    } catch {
      req.socket.destroy();
      return;
    }
    let reply: Reply;
    let fault: Fault | undefined;
    try {
      ({ reply, fault } = this.#dispatch(req, body.raw, body.tooLarge));
    } catch (error) {
      // A bug in the fake shows up as a 500 the test can read, never as a crash.
      reply =
        error instanceof ApiError
          ? { status: error.status, body: error.body }
          : { status: 500, body: { error: { type: "FAKE_AIRTABLE_BUG", message: String(error) } } };
    }
    if (fault?.kind === "drop-after-write") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "slow") await this.#sleep(fault.delayMs);
    send(res, reply);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry: { timer?: NodeJS.Timeout; resolve: () => void } = { resolve };
      const done = (): void => {
        this.#sleeps.delete(entry);
        resolve();
      };
      if (this.#injectedSleep) void this.#injectedSleep(ms).then(done, done);
      else entry.timer = setTimeout(done, ms);
      this.#sleeps.add(entry);
    });
  }

  #dispatch(req: IncomingMessage, raw: Buffer, tooLarge: boolean): { reply: Reply; fault?: Fault } {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://fake-airtable.invalid");
    let segments: string[];
    try {
      segments = url.pathname.split("/").slice(1).map(decodeURIComponent);
    } catch {
      return { reply: NOT_FOUND };
    }
    if (segments.at(-1) === "") segments.pop(); // airtable.js writes to "/v0/app…/Table/"
    if (segments[0] !== "v0") return { reply: NOT_FOUND };
    const token = this.#authenticate(req.headers.authorization);

    const isMeta = segments[1] === "meta";
    if (isMeta && segments[2] === "whoami" && segments.length === 3 && method === "GET") {
      // Airtable's "Get user info": scopes only for an OAuth access token; no scope required.
      return { reply: { status: 200, body: token.oauth ? { id: FAKE_USER_ID, scopes: [...(token.scopes ?? ALL_SCOPES)] } : { id: FAKE_USER_ID } } };
    }
    const baseId = isMeta ? (segments[2] === "bases" ? segments[3] : undefined) : segments[1];
    const base = baseId === undefined ? undefined : this.#bases.get(baseId);
    if (!base) return { reply: NOT_FOUND };
    // The token's scope and access are checked before its request is read: without them, whatever
    // the body, Airtable answers 403 (it does not tell a missing scope from a base it cannot see).
    const reading = method === "GET" || (!isMeta && segments[3] === "listRecords");
    const scope = `${isMeta ? "schema.bases" : "data.records"}:${reading ? "read" : "write"}`;
    if (!(token.scopes ?? ALL_SCOPES).includes(scope) || (token.bases !== undefined && !token.bases.includes(base.id))) {
      return { reply: FORBIDDEN };
    }
    if (!this.#admit(base)) return { reply: RATE_LIMITED };

    const fault = this.#takeFault(method);
    if (fault?.kind === "status") return { reply: faultReply(fault.status) };

    const parseBody = (): unknown => {
      if (tooLarge) fail(413, "REQUEST_TOO_LARGE", "Request body is too large");
      if (raw.length === 0) return undefined;
      try {
        return JSON.parse(raw.toString("utf8"));
      } catch {
        return fail(422, "INVALID_REQUEST_BODY");
      }
    };
    try {
      const reply = isMeta
        ? this.#meta(base, method, segments.slice(4), parseBody)
        : this.#data(base, method, segments.slice(2), url.searchParams, parseBody);
      return { reply, fault };
    } catch (error) {
      // Slow and drop faults still apply to requests Airtable would refuse.
      if (error instanceof ApiError) return { reply: { status: error.status, body: error.body }, fault };
      throw error;
    }
  }

  #authenticate(header: string | undefined): FakeToken {
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new ApiError(401, { error: "AUTHENTICATION_REQUIRED" });
    const token = this.#tokens.get(match[1] ?? "");
    if (!token) throw new ApiError(401, { error: { type: "AUTHENTICATION_REQUIRED", message: "Authentication required" } });
    return token;
  }

  /** Sliding-window limit per base; exceeding it locks the base out, and refused requests don't count. */
  #admit(base: BaseState): boolean {
    const now = this.#now();
    if (now < base.lockedUntil) {
      this.stats.rateLimited++;
      return false;
    }
    while (base.admitted.length > 0 && (base.admitted[0] ?? 0) <= now - this.#windowMs) base.admitted.shift();
    if (base.admitted.length >= this.#requestsPerSecond) {
      base.lockedUntil = now + this.#lockoutMs;
      this.stats.rateLimited++;
      return false;
    }
    base.admitted.push(now);
    this.stats.maxRequestsInOneWindow = Math.max(this.stats.maxRequestsInOneWindow, base.admitted.length);
    return true;
  }

  #takeFault(method: string): Fault | undefined {
    const index = this.#faults.findIndex((e) => e.fault.method === undefined || e.fault.method.toUpperCase() === method);
    const entry = this.#faults[index];
    if (!entry) return undefined;
    entry.remaining--;
    if (entry.remaining <= 0) this.#faults.splice(index, 1);
    return entry.fault;
  }

  #fixtureBase(baseId: string): BaseState {
    const base = this.#bases.get(baseId);
    if (!base) throw new Error(`FakeAirtable: no base ${baseId}; call createBase first`);
    return base;
  }

  #table(base: BaseState, key: string): TableDef {
    const table = base.tables.find((t) => t.id === key) ?? base.tables.find((t) => t.name === key);
    return table ?? fail(404, "TABLE_NOT_FOUND", `Could not find table ${key} in application ${base.id}`);
  }

  // ---- Records API ----

  #data(base: BaseState, method: string, rest: string[], query: URLSearchParams, body: () => unknown): Reply {
    const [tableKey, sub, ...extra] = rest;
    if (tableKey === undefined || extra.length > 0) return NOT_FOUND;
    const table = this.#table(base, tableKey);
    const ok = (json: unknown): Reply => ({ status: 200, body: json });
    if (sub === undefined) {
      if (method === "GET") return ok(this.#list(base, table, paramsFromQuery(query)));
      if (method === "POST") return ok(this.#create(base, table, body()));
      if (method === "PATCH" || method === "PUT") return ok(this.#update(base, table, body(), method === "PUT"));
      if (method === "DELETE") return ok(this.#destroy(base, table, query.getAll("records[]")));
      return NOT_FOUND;
    }
    if (sub === "listRecords") {
      if (method !== "POST") return NOT_FOUND;
      const params = body() ?? {};
      // timeZone and userLocale stay in the query string, as airtable.js sends them.
      return ok(this.#list(base, table, { ...paramsFromQuery(query), ...(isObj(params) ? params : invalidRequest()) }));
    }
    const row = table.byId.get(sub) ?? fail(404, "MODEL_ID_NOT_FOUND", "Record not found");
    if (method === "GET") return ok(this.#recordJson(table, row, {}));
    if (method === "PATCH" || method === "PUT") return ok(this.#updateOne(base, table, row, body(), method === "PUT"));
    if (method === "DELETE") return ok(this.#destroy(base, table, [row.id]).records[0]);
    return NOT_FOUND;
  }

  #list(base: BaseState, table: TableDef, params: Obj): Obj {
    const q = normalizeList(params);
    const only = q.fields && new Set(q.fields.map((key) => this.#fieldOrUnknown(table, key).id));
    const sort = q.sort.map((s) => ({ field: this.#fieldOrUnknown(table, s.field), sign: s.direction === "asc" ? 1 : -1 }));
    if (q.view !== undefined && q.view !== table.viewId && q.view !== "Grid view") {
      fail(422, "VIEW_NAME_NOT_FOUND", `Could not find view ${q.view} in table ${table.name}`);
    }
    let key: string;
    let iterator: ListIterator;
    let position: number;
    if (q.offset !== undefined) {
      const [iteratorKey = "", next = ""] = q.offset.split("/");
      const found = base.iterators.get(iteratorKey);
      position = found ? found.ids.indexOf(next) : -1;
      if (!found || found.tableId !== table.id || position < 0) fail(422, "LIST_RECORDS_ITERATOR_NOT_AVAILABLE");
      key = iteratorKey;
      iterator = found;
    } else {
      const rows = [...table.rows];
      if (sort.length > 0) {
        rows.sort((a, b) => {
          for (const s of sort) {
            const order = compareCells(a.cells.get(s.field.id), b.cells.get(s.field.id)) * s.sign;
            if (order !== 0) return order;
          }
          return 0;
        });
      }
      const ids = rows.map((r) => r.id);
      key = newId("itr");
      iterator = { tableId: table.id, ids: q.maxRecords === undefined ? ids : ids.slice(0, q.maxRecords) };
      position = 0;
    }
    const records: Obj[] = [];
    while (records.length < q.pageSize && position < iterator.ids.length) {
      const row = table.byId.get(iterator.ids[position++] ?? "");
      if (row) records.push(this.#recordJson(table, row, { only, byFieldId: q.byFieldId, commentCount: q.commentCount }));
    }
    const out: Obj = { records };
    if (position < iterator.ids.length) {
      base.iterators.set(key, iterator);
      out.offset = `${key}/${iterator.ids[position]}`;
    }
    return out;
  }

  #create(base: BaseState, table: TableDef, body: unknown): Obj {
    const missingFields = (): never =>
      fail(422, "INVALID_REQUEST_MISSING_FIELDS", 'Could not find field "fields" in the request body');
    if (!isObj(body)) return missingFields();
    onlyKeys(body, ["records", "fields", "typecast", "returnFieldsByFieldId"]);
    const typecast = this.#flag(body.typecast);
    const byFieldId = this.#flag(body.returnFieldsByFieldId);
    const single = !("records" in body);
    const fieldSets: Obj[] = [];
    if (single) {
      if (!("fields" in body)) missingFields();
      fieldSets.push(isObj(body.fields) ? body.fields : invalidRequest());
    } else {
      const records = isList(body.records) ? body.records : fail(422, "INVALID_RECORDS", CREATE_SHAPE);
      if (records.length > 10) {
        fail(422, "INVALID_RECORDS", `A maximum of 10 records can be created per request but you have provided ${records.length}.`);
      }
      if (records.length === 0) fail(422, "INVALID_RECORDS", CREATE_SHAPE);
      for (const record of records) {
        if (!isObj(record) || !isObj(record.fields)) return fail(422, "INVALID_RECORDS", CREATE_SHAPE);
        onlyKeys(record, ["fields"], () => fail(422, "INVALID_RECORDS", CREATE_SHAPE));
        fieldSets.push(record.fields);
      }
    }
    this.#checkKeys(table, fieldSets);
    const ctx: WriteCtx = { base, typecast, choices: [], linked: [] };
    const plans = fieldSets.map((fields) => ({ id: newId("rec"), cells: this.#convertFields(ctx, table, fields) }));
    const rows = this.#commit(ctx, table, plans, false);
    this.stats.writes++;
    const json = rows.map((row) => this.#recordJson(table, row, { byFieldId }));
    return single ? (json[0] ?? {}) : { records: json };
  }

  #update(base: BaseState, table: TableDef, body: unknown, replace: boolean): Obj {
    if (!isObj(body)) return invalidRequest();
    onlyKeys(body, ["records", "typecast", "returnFieldsByFieldId", "performUpsert"]);
    const typecast = this.#flag(body.typecast);
    const byFieldId = this.#flag(body.returnFieldsByFieldId);
    const mergeOn = this.#upsertFields(table, body.performUpsert);
    const shapeError = (): never => fail(422, "INVALID_RECORDS", UPDATE_SHAPE);
    const records = isList(body.records) ? body.records : shapeError();
    if (records.length === 0 || records.length > 10) shapeError();
    const inputs: Array<{ id?: string; fields: Obj }> = [];
    for (const record of records) {
      if (!isObj(record) || !isObj(record.fields)) return shapeError();
      onlyKeys(record, ["id", "fields"], shapeError);
      if (typeof record.id !== "string" && !(mergeOn && record.id === undefined)) shapeError();
      inputs.push({ id: typeof record.id === "string" ? record.id : undefined, fields: record.fields });
    }
    this.#checkKeys(table, inputs.map((i) => i.fields));

    // Undocumented in Airtable: one record targeted twice in a request. The fake refuses it.
    const targeted = new Set<string>();
    const target = (id: string): void => {
      if (targeted.has(id)) fail(422, "INVALID_RECORDS", `Record ${id} appears more than once in this request`);
      targeted.add(id);
    };
    const ctx: WriteCtx = { base, typecast, choices: [], linked: [] };
    const plans: Plan[] = [];
    const created: string[] = [];
    const updated: string[] = [];
    const newKeys = new Set<string>();
    for (const input of inputs) {
      if (input.id !== undefined) {
        const existing =
          table.byId.get(input.id) ?? fail(422, "ROW_DOES_NOT_EXIST", `Record ID ${input.id} does not exist in this table`);
        target(existing.id);
        plans.push({ existing, id: existing.id, cells: this.#convertFields(ctx, table, input.fields, existing) });
        if (mergeOn) updated.push(existing.id);
        continue;
      }
      const fieldsToMergeOn = mergeOn ?? shapeError();
      const cells = this.#convertFields(ctx, table, input.fields);
      const key = fieldsToMergeOn.map((field) => {
        const value = cells.get(field.id);
        if (isEmptyCell(value)) invalidRequest(`Every record must have a value for "${field.name}", a field to merge on`);
        return value;
      });
      const matches = table.rows.filter((row) => fieldsToMergeOn.every((f, i) => sameCell(row.cells.get(f.id), key[i])));
      if (matches.length > 1) {
        invalidRequest(`${matches.length} records match the fieldsToMergeOn values ${JSON.stringify(key)}; at most one may`);
      }
      const match = matches[0];
      if (match) {
        target(match.id);
        plans.push({ existing: match, id: match.id, cells });
        updated.push(match.id);
      } else {
        const keyText = JSON.stringify(key);
        if (newKeys.has(keyText)) invalidRequest(`Two records in this request have the merge values ${keyText}`);
        newKeys.add(keyText);
        const id = newId("rec");
        plans.push({ id, cells });
        created.push(id);
      }
    }
    const rows = this.#commit(ctx, table, plans, replace);
    this.stats.writes++;
    const out: Obj = { records: rows.map((row) => this.#recordJson(table, row, { byFieldId })) };
    if (mergeOn) {
      out.createdRecords = created;
      out.updatedRecords = updated;
    }
    return out;
  }

  #updateOne(base: BaseState, table: TableDef, row: Row, body: unknown, replace: boolean): Obj {
    if (!isObj(body) || !("fields" in body)) {
      return fail(422, "INVALID_REQUEST_MISSING_FIELDS", 'Could not find field "fields" in the request body');
    }
    onlyKeys(body, ["fields", "typecast", "returnFieldsByFieldId"]);
    const fields = isObj(body.fields) ? body.fields : invalidRequest();
    this.#checkKeys(table, [fields]);
    const ctx: WriteCtx = { base, typecast: this.#flag(body.typecast), choices: [], linked: [] };
    const plan: Plan = { existing: row, id: row.id, cells: this.#convertFields(ctx, table, fields, row) };
    this.#commit(ctx, table, [plan], replace);
    this.stats.writes++;
    return this.#recordJson(table, row, { byFieldId: this.#flag(body.returnFieldsByFieldId) });
  }

  /** Not counted in stats.writes, which counts POST/PATCH/PUT only. */
  #destroy(base: BaseState, table: TableDef, ids: string[]): { records: Obj[] } {
    if (ids.length === 0 || ids.length > 10) fail(422, "INVALID_RECORDS", "You must provide an array of up to 10 record IDs.");
    for (const id of ids) if (!table.byId.has(id)) fail(404, "MODEL_ID_NOT_FOUND", "Record not found");
    const gone = new Set(ids);
    table.rows = table.rows.filter((row) => !gone.has(row.id));
    for (const id of ids) table.byId.delete(id);
    // Airtable removes links to deleted records everywhere, inverse fields included.
    for (const other of base.tables) {
      for (const field of other.fields) {
        if (field.type !== "multipleRecordLinks" || optString(field, "linkedTableId") !== table.id) continue;
        for (const row of other.rows) {
          const links = idList(row.cells.get(field.id));
          const kept = links.filter((id) => !gone.has(id));
          if (kept.length === links.length) continue;
          if (kept.length === 0) row.cells.delete(field.id);
          else row.cells.set(field.id, kept);
        }
      }
    }
    return { records: ids.map((id) => ({ deleted: true, id })) };
  }

  #flag(value: unknown): boolean {
    if (value === undefined) return false;
    return typeof value === "boolean" ? value : invalidRequest();
  }

  #fieldByKey(table: TableDef, key: string): FieldDef | undefined {
    return table.fields.find((f) => f.name === key) ?? table.fields.find((f) => f.id === key);
  }

  #fieldOrUnknown(table: TableDef, key: string): FieldDef {
    return this.#fieldByKey(table, key) ?? fail(422, "UNKNOWN_FIELD_NAME", `Unknown field name: "${key}"`);
  }

  /** Unknown names are reported before any value is looked at, and before anything is applied. */
  #checkKeys(table: TableDef, fieldSets: Obj[]): void {
    for (const fields of fieldSets) for (const key of Object.keys(fields)) this.#fieldOrUnknown(table, key);
  }

  #upsertFields(table: TableDef, spec: unknown): FieldDef[] | undefined {
    if (spec === undefined || spec === null) return undefined;
    if (!isObj(spec) || !isList(spec.fieldsToMergeOn)) return invalidRequest();
    onlyKeys(spec, ["fieldsToMergeOn"]);
    const keys = spec.fieldsToMergeOn;
    if (keys.length < 1 || keys.length > 3) invalidRequest("fieldsToMergeOn must name one to three fields");
    return keys.map((key) => {
      const field = typeof key === "string" ? this.#fieldOrUnknown(table, key) : invalidRequest();
      if (!MERGEABLE.has(field.type)) invalidRequest(`Field "${field.name}" of type ${field.type} cannot be used to merge on`);
      return field;
    });
  }

  #convertFields(ctx: WriteCtx, table: TableDef, fields: Obj, current?: Row): Map<string, unknown> {
    const cells = new Map<string, unknown>();
    for (const [key, value] of Object.entries(fields)) {
      const field = this.#fieldOrUnknown(table, key);
      cells.set(field.id, this.#convert(ctx, field, value, current));
    }
    return cells;
  }

  /** One written value as Airtable stores it; undefined means an empty cell. */
  #convert(ctx: WriteCtx, field: FieldDef, value: unknown, current?: Row): unknown {
    if (value === null || value === undefined) return undefined;
    const { typecast } = ctx;
    const bad = (): never => fail(422, "INVALID_VALUE_FOR_COLUMN", `Field "${field.name}" cannot accept the provided value`);
    const unparsable = (): never =>
      fail(422, "INVALID_VALUE_FOR_COLUMN", `Cannot parse value ${JSON.stringify(value)} for field ${field.name}`);
    if (TEXT_TYPES.has(field.type)) {
      if (typeof value === "string") return value;
      return typecast && (typeof value === "number" || typeof value === "boolean") ? String(value) : bad();
    }
    switch (field.type) {
      case "number": {
        if (typeof value === "number") return Number.isFinite(value) ? value : bad();
        if (!typecast || typeof value !== "string") return bad();
        const text = value.trim();
        if (text === "") return undefined;
        return NUMERIC.test(text) ? Number(text) : unparsable();
      }
      case "checkbox": {
        if (typeof value === "boolean") return value;
        if (typecast && typeof value === "number") return value !== 0;
        if (!typecast || typeof value !== "string") return bad();
        const text = value.trim().toLowerCase();
        return TRUTHY.has(text) ? true : FALSY.has(text) ? false : unparsable();
      }
      case "singleSelect": {
        const name = typeof value === "string" ? value : typecast && typeof value === "number" ? String(value) : bad();
        return name === "" ? undefined : this.#choice(ctx, field, name);
      }
      case "multipleSelects": {
        // With typecast Airtable also takes "a, b" for ["a", "b"].
        const items = isList(value) ? value : typecast && typeof value === "string" ? value.split(",") : bad();
        const names: string[] = [];
        for (const item of items) {
          const name = typeof item === "string" ? item.trim() : typecast && typeof item === "number" ? String(item) : bad();
          if (name !== "" && !names.includes(name)) names.push(this.#choice(ctx, field, name));
        }
        return names;
      }
      case "multipleRecordLinks":
        return this.#convertLinks(ctx, field, value, bad);
      case "date":
      case "dateTime": {
        if (typeof value !== "string") return bad();
        const text = value.trim();
        if (text === "") return undefined;
        const zone = field.type === "dateTime" ? optString(field, "timeZone") : undefined;
        const ms = parseDateValue(text, typecast, zone) ?? unparsable();
        const iso = new Date(ms).toISOString();
        return field.type === "date" ? iso.slice(0, 10) : iso;
      }
      case "multipleAttachments": {
        if (!isList(value)) return bad();
        // Existing attachments are kept by giving their id.
        const cell = current?.cells.get(field.id);
        const existing = isList(cell) ? cell.filter(isObj) : [];
        return value.map((item: unknown) => {
          if (!isObj(item)) return bad();
          if (typeof item.id === "string" && item.url === undefined) {
            return existing.find((a) => a.id === item.id) ?? bad();
          }
          if (typeof item.url !== "string" || !/^https?:\/\/\S+$/i.test(item.url)) return bad();
          if (item.filename !== undefined && typeof item.filename !== "string") return bad();
          const filename = item.filename ?? decodeURIComponent(new URL(item.url).pathname.split("/").pop() || "file");
          // Airtable fills size, type and thumbnails asynchronously; the fake never does.
          return { id: newId("att"), url: item.url, filename };
        });
      }
    }
    return bad();
  }

  /** A select option by name; typecast plans a new one, applied only if the request succeeds. */
  #choice(ctx: WriteCtx, field: FieldDef, name: string): string {
    const known = choicesOf(field).some((c) => c.name === name) || ctx.choices.some((c) => c.field === field && c.name === name);
    if (known) return name;
    if (!ctx.typecast) fail(422, "INVALID_MULTIPLE_CHOICE_OPTIONS", `Insufficient permissions to create new select option "${name}"`);
    ctx.choices.push({ field, name });
    return name;
  }

  #convertLinks(ctx: WriteCtx, field: FieldDef, value: unknown, bad: () => never): string[] {
    const linked = ctx.base.tables.find((t) => t.id === optString(field, "linkedTableId")) ?? bad();
    const items: unknown[] = isList(value)
      ? value
      : ctx.typecast && typeof value === "string"
        ? value === "" ? [] : [value]
        : bad();
    const ids: string[] = [];
    for (const item of items) {
      if (typeof item !== "string") return bad();
      let id: string;
      if (linked.byId.has(item)) id = item;
      else if (ctx.typecast) id = this.#findOrPlanLinked(ctx, linked, item);
      else if (REC_ID.test(item)) return fail(422, "ROW_DOES_NOT_EXIST", `Record ID ${item} does not exist in this table`);
      else return fail(422, "INVALID_VALUE_FOR_COLUMN", `Value "${item}" is not a valid record ID.`);
      if (!ids.includes(id)) ids.push(id);
    }
    return ids;
  }

  /** typecast on a link: match the linked table's primary field by text, or create that record. */
  #findOrPlanLinked(ctx: WriteCtx, linked: TableDef, text: string): string {
    const primary = linked.fields[0];
    if (!primary) return fail(422, "INVALID_VALUE_FOR_COLUMN", `Value "${text}" is not a valid record ID.`);
    const existing = linked.rows.find((row) => cellText(row.cells.get(primary.id)) === text);
    if (existing) return existing.id;
    const planned = ctx.linked.find((l) => l.table === linked && cellText(l.row.cells.get(primary.id)) === text);
    if (planned) return planned.row.id;
    const cells: Cells = new Map();
    const value = this.#convert(ctx, primary, text);
    if (!isEmptyCell(value)) cells.set(primary.id, value);
    const row: Row = { id: newId("rec"), createdTime: nowIso(), cells };
    ctx.linked.push({ table: linked, row });
    return row.id;
  }

  /** Applies a fully validated request: typecast side effects first, then the records. */
  #commit(ctx: WriteCtx, table: TableDef, plans: Plan[], replace: boolean): Row[] {
    for (const { field, name } of ctx.choices) {
      const choices = choicesOf(field);
      if (choices.some((c) => c.name === name)) continue;
      field.options = {
        ...field.options,
        choices: [...choices, { id: newId("sel"), name, color: PALETTE[choices.length % PALETTE.length] ?? "blueLight2" }],
      };
    }
    for (const { table: linkedTable, row } of ctx.linked) this.#insertRow(linkedTable, row);
    const createdTime = nowIso();
    return plans.map((plan) => {
      let row = plan.existing;
      if (!row) {
        row = { id: plan.id, createdTime, cells: new Map() };
        this.#insertRow(table, row);
      }
      const before = new Map(row.cells);
      if (replace) row.cells.clear();
      for (const [fieldId, value] of plan.cells) {
        if (isEmptyCell(value)) row.cells.delete(fieldId);
        else row.cells.set(fieldId, value);
      }
      this.#syncInverseLinks(ctx.base, table, row, before);
      return row;
    });
  }

  #insertRow(table: TableDef, row: Row): void {
    table.rows.push(row);
    table.byId.set(row.id, row);
  }

  /** Airtable keeps both sides of a link: writing A→B also writes B's inverse field. */
  #syncInverseLinks(base: BaseState, table: TableDef, row: Row, before: Cells): void {
    for (const field of table.fields) {
      if (field.type !== "multipleRecordLinks") continue;
      const inverseId = optString(field, "inverseLinkFieldId");
      const linked = base.tables.find((t) => t.id === optString(field, "linkedTableId"));
      if (!inverseId || !linked) continue;
      const old = idList(before.get(field.id));
      const now = idList(row.cells.get(field.id));
      const edit = (otherId: string, change: (links: string[]) => string[]): void => {
        const other = linked.byId.get(otherId);
        if (!other) return;
        const links = change(idList(other.cells.get(inverseId)));
        if (links.length === 0) other.cells.delete(inverseId);
        else other.cells.set(inverseId, links);
      };
      for (const id of old) if (!now.includes(id)) edit(id, (links) => links.filter((l) => l !== row.id));
      for (const id of now) if (!old.includes(id)) edit(id, (links) => (links.includes(row.id) ? links : [...links, row.id]));
    }
  }

  #fieldsJson(table: TableDef, row: Row, only?: Set<string>, byFieldId = false): Obj {
    const fields: Obj = {};
    for (const field of table.fields) {
      if (only && !only.has(field.id)) continue;
      const value = row.cells.get(field.id);
      if (!isEmptyCell(value)) fields[byFieldId ? field.id : field.name] = structuredClone(value);
    }
    return fields;
  }

  #recordJson(table: TableDef, row: Row, opts: { only?: Set<string>; byFieldId?: boolean; commentCount?: boolean }): Obj {
    const out: Obj = { id: row.id, createdTime: row.createdTime, fields: this.#fieldsJson(table, row, opts.only, opts.byFieldId) };
    if (opts.commentCount) out.commentCount = 0;
    return out;
  }

  // ---- Meta API ----

  #meta(base: BaseState, method: string, rest: string[], body: () => unknown): Reply {
    if (rest[0] !== "tables") return NOT_FOUND;
    if (rest.length === 1 && method === "GET") {
      return { status: 200, body: { tables: base.tables.map((t) => this.#tableJson(t)) } };
    }
    if (rest.length === 1 && method === "POST") {
      return { status: 200, body: this.#tableJson(this.#createTable(base, body())) };
    }
    if (rest.length === 3 && rest[2] === "fields" && method === "POST") {
      const table = this.#table(base, rest[1] ?? "");
      const field = this.#buildField(base, table.name, table.fields, body());
      table.fields.push(field);
      if (field.type === "multipleRecordLinks") this.#addInverseField(base, table, field);
      return { status: 200, body: this.#fieldJson(field) };
    }
    return NOT_FOUND;
  }

  #createTable(base: BaseState, spec: unknown): TableDef {
    if (!isObj(spec)) return invalidRequest();
    onlyKeys(spec, ["name", "description", "fields"]);
    const name = typeof spec.name === "string" ? spec.name.trim() : "";
    if (name === "") invalidRequest("A table needs a non-empty name");
    if (base.tables.some((t) => sameName(t.name, name))) {
      fail(422, "DUPLICATE_TABLE_NAME", `A table named "${name}" already exists in this base`);
    }
    if (spec.description !== undefined && typeof spec.description !== "string") invalidRequest();
    if (!isList(spec.fields) || spec.fields.length === 0) invalidRequest("A table needs at least one field");
    const fields: FieldDef[] = [];
    for (const fieldSpec of spec.fields) fields.push(this.#buildField(base, name, fields, fieldSpec));
    const primary = fields[0];
    if (primary && NOT_PRIMARY.has(primary.type)) invalidRequest(`A ${primary.type} field cannot be the primary field`);
    const table: TableDef = { id: newId("tbl"), name, viewId: newId("viw"), fields, rows: [], byId: new Map() };
    if (typeof spec.description === "string") table.description = spec.description;
    base.tables.push(table);
    for (const field of fields) if (field.type === "multipleRecordLinks") this.#addInverseField(base, table, field);
    return table;
  }

  #buildField(base: BaseState, tableName: string, siblings: FieldDef[], spec: unknown): FieldDef {
    if (!isObj(spec)) return invalidRequest();
    onlyKeys(spec, ["name", "type", "description", "options"]);
    const name = typeof spec.name === "string" ? spec.name.trim() : "";
    if (name === "" || siblings.some((f) => sameName(f.name, name))) {
      fail(422, "DUPLICATE_OR_EMPTY_FIELD_NAME", `Field name "${name}" is empty or already used in table ${tableName}`);
    }
    const type = typeof spec.type === "string" ? spec.type : invalidRequest();
    if (!SUPPORTED_TYPES.has(type)) {
      if (OTHER_AIRTABLE_TYPES.has(type)) notImplemented(`fields of type ${type}`);
      invalidRequest(`Unknown field type "${type}"`);
    }
    if (spec.description !== undefined && typeof spec.description !== "string") invalidRequest();
    const field: FieldDef = { id: newId("fld"), name, type };
    if (typeof spec.description === "string") field.description = spec.description;
    const options = this.#normalizeOptions(base, `${tableName}.${name}`, name, type, spec.options);
    if (options !== undefined) field.options = options;
    return field;
  }

  /** Options as Airtable requires them on create, returned in Airtable's read format. */
  #normalizeOptions(base: BaseState, where: string, name: string, type: string, options: unknown): Obj | undefined {
    const bad = (detail: string): never =>
      fail(422, "INVALID_FIELD_TYPE_OPTIONS_FOR_CREATE", `Invalid options for ${where}: Failed schema validation: ${detail}`);
    const present = options !== undefined && options !== null;
    if (TEXT_TYPES.has(type)) return present ? bad(`options is not included in the ${name}.(type=${type}) schema`) : undefined;
    if (type === "multipleAttachments" && !present) return { isReversed: false };
    if (!present) return bad(`${name}.options is missing`);
    if (!isObj(options)) return bad(`${name}.options is not an object`);
    const allow = (...keys: string[]): void => onlyKeys(options, keys, () => bad(`${name}.options has unexpected keys`));
    const dateFormat = (value: unknown): Obj => {
      if (!isObj(value) || typeof value.name !== "string") return bad(`${name}.options.dateFormat is missing or invalid`);
      const format = DATE_FORMATS.get(value.name) ?? bad(`${name}.options.dateFormat.name is invalid`);
      if (value.format !== undefined && value.format !== format) bad(`${name}.options.dateFormat.format does not match its name`);
      return { format, name: value.name };
    };
    switch (type) {
      case "number": {
        allow("precision");
        const { precision } = options;
        if (typeof precision !== "number" || !Number.isInteger(precision) || precision < 0 || precision > 8) {
          bad(`${name}.options.precision must be an integer from 0 to 8`);
        }
        return { precision };
      }
      case "checkbox": {
        allow("icon", "color");
        if (typeof options.icon !== "string" || !CHECKBOX_ICONS.has(options.icon)) bad(`${name}.options.icon is missing or invalid`);
        if (typeof options.color !== "string" || !BRIGHT_COLORS.has(options.color)) bad(`${name}.options.color is missing or invalid`);
        return { color: options.color, icon: options.icon };
      }
      case "singleSelect":
      case "multipleSelects": {
        allow("choices");
        if (!isList(options.choices)) return bad(`${name}.options.choices is missing`);
        const choices = options.choices.map((choice, index): Choice => {
          if (!isObj(choice) || typeof choice.name !== "string" || choice.name.trim() === "") {
            return bad(`${name}.options.choices[${index}].name is missing`);
          }
          onlyKeys(choice, ["name", "color"], () => bad(`${name}.options.choices[${index}] has unexpected keys`));
          if (choice.color !== undefined && (typeof choice.color !== "string" || !SELECT_COLORS.has(choice.color))) {
            bad(`${name}.options.choices[${index}].color is invalid`);
          }
          const color = typeof choice.color === "string" ? choice.color : (PALETTE[index % PALETTE.length] ?? "blueLight2");
          return { id: newId("sel"), name: choice.name, color };
        });
        return { choices };
      }
      case "multipleRecordLinks": {
        // Airtable refuses isReversed, prefersSingleRecordLink and inverseLinkFieldId on create.
        allow("linkedTableId", "viewIdForRecordSelection");
        const linked = base.tables.find((t) => t.id === options.linkedTableId);
        if (!linked) return bad(`${name}.options.linkedTableId is not a table of this base`);
        if (options.viewIdForRecordSelection !== undefined && options.viewIdForRecordSelection !== linked.viewId) {
          bad(`${name}.options.viewIdForRecordSelection is not a view of the linked table`);
        }
        const out: Obj = { linkedTableId: linked.id, isReversed: false, prefersSingleRecordLink: false };
        if (options.viewIdForRecordSelection !== undefined) out.viewIdForRecordSelection = linked.viewId;
        return out;
      }
      case "date":
        allow("dateFormat");
        return { dateFormat: dateFormat(options.dateFormat) };
      case "dateTime": {
        allow("dateFormat", "timeFormat", "timeZone");
        const { timeFormat, timeZone } = options;
        if (!isObj(timeFormat) || typeof timeFormat.name !== "string") return bad(`${name}.options.timeFormat is missing`);
        const format = TIME_FORMATS.get(timeFormat.name) ?? bad(`${name}.options.timeFormat.name is invalid`);
        if (timeFormat.format !== undefined && timeFormat.format !== format) bad(`${name}.options.timeFormat.format does not match its name`);
        if (typeof timeZone !== "string" || !this.#isAirtableTimeZone(timeZone)) bad(`${name}.options.timeZone is missing or invalid`);
        return { dateFormat: dateFormat(options.dateFormat), timeFormat: { format, name: timeFormat.name }, timeZone };
      }
      case "multipleAttachments":
        allow("isReversed");
        if (options.isReversed !== undefined && typeof options.isReversed !== "boolean") bad(`${name}.options.isReversed is invalid`);
        return { isReversed: options.isReversed === true };
    }
    return undefined;
  }

  /** Airtable's list: "utc", "client" or an IANA zone name; it refuses "UTC" in capitals. */
  #isAirtableTimeZone(zone: string): boolean {
    if (zone === "utc" || zone === "client") return true;
    if (!zone.includes("/")) return false;
    try {
      new Intl.DateTimeFormat("en", { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }

  /** Like Airtable, a new link field gets an inverse field in the linked table (not for self-links). */
  #addInverseField(base: BaseState, table: TableDef, field: FieldDef): void {
    const linked = base.tables.find((t) => t.id === optString(field, "linkedTableId"));
    if (!linked || linked === table) return;
    let name = table.name;
    for (let n = 2; linked.fields.some((f) => sameName(f.name, name)); n++) name = `${table.name} ${n}`;
    const inverse: FieldDef = {
      id: newId("fld"),
      name,
      type: "multipleRecordLinks",
      options: { linkedTableId: table.id, isReversed: false, prefersSingleRecordLink: false, inverseLinkFieldId: field.id },
    };
    field.options = { ...field.options, inverseLinkFieldId: inverse.id };
    linked.fields.push(inverse);
  }

  #fieldJson(field: FieldDef): Obj {
    const out: Obj = { id: field.id, name: field.name, type: field.type };
    if (field.description !== undefined) out.description = field.description;
    if (field.options !== undefined) out.options = structuredClone(field.options);
    return out;
  }

  #tableJson(table: TableDef): Obj {
    const out: Obj = { id: table.id, name: table.name };
    if (table.description !== undefined) out.description = table.description;
    out.primaryFieldId = table.fields[0]?.id;
    out.fields = table.fields.map((f) => this.#fieldJson(f));
    out.views = [{ id: table.viewId, name: "Grid view", type: "grid" }];
    return out;
  }
}
