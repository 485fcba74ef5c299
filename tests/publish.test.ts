// « Publier »: the rule (lib/site/publish.ts), `npm run publish`, and the Airtable automation's
// script (airtable/publier.js) run in Node with stand-ins for Airtable's scripting globals, all
// against a local stand-in for Netlify's build hooks.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import vm from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundlePublishScript, PUBLISH_SCRIPT } from "../lib/airtable/publish-script.ts";
import { publishFromTerminal, PUBLISH_STATE_FILE } from "../lib/app/publish.ts";
import { SITE } from "../lib/base/tables.ts";
import { CLOCK_MARGIN_MS, decidePublish, MAX_WAIT_MS, parseHookUrl, publishWait, readPublishAfter, WINDOW_MS } from "../lib/site/publish.ts";
import { closedPort, FakeBuildHooks } from "./support/netlify-hooks-server.ts";

const HOOK_ID = "64f0c2a1b3d4e5f60718293a";
const T0 = Date.parse("2026-11-30T13:00:00Z");
const hooks = new FakeBuildHooks([HOOK_ID]);
let netlify: string;
let hookUrl: string;
let down: string;
let dir: string;

beforeAll(async () => {
  netlify = await hooks.start();
  hookUrl = `${netlify}/build_hooks/${HOOK_ID}`;
  down = await closedPort();
  dir = await mkdtemp(join(tmpdir(), "publish-"));
});
afterAll(async () => {
  await hooks.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Whether every request is read by a build: it called the hook, or a build called before reads the base after it. */
function everyRequestCovered(requests: number[]): { calls: number[]; uncovered: number[] } {
  const calls: number[] = [];
  const uncovered: number[] = [];
  for (const at of requests) {
    const decision = decidePublish(at, calls.at(-1));
    if (decision.call) calls.push(at);
    else if (!calls.some((c) => c <= at && c + WINDOW_MS > at)) uncovered.push(at);
  }
  return { calls, uncovered };
}

describe("the rule", () => {
  it("makes one build of ten requests in a minute, and a new one after it", () => {
    const tenInAMinute = Array.from({ length: 10 }, (_, i) => T0 + i * 6_000);
    expect(everyRequestCovered(tenInAMinute).calls).toEqual([T0]);
    expect(everyRequestCovered([...tenInAMinute, T0 + WINDOW_MS]).calls).toEqual([T0, T0 + WINDOW_MS]);
    expect(decidePublish(T0 + 59_999, T0)).toEqual({ call: false, calledAt: T0, readAfter: T0 + WINDOW_MS });
  });

  it("leaves no request out of a build, whatever their rhythm (seeded)", () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let run = 0; run < 200; run++) {
      let at = T0;
      const requests = Array.from({ length: 30 }, () => (at += Math.floor(random() * 90_000)));
      const { calls, uncovered } = everyRequestCovered(requests);
      expect(uncovered).toEqual([]);
      // Never two builds for requests less than a window apart from the first.
      for (let i = 1; i < calls.length; i++) expect(calls[i]! - calls[i - 1]!).toBeGreaterThanOrEqual(WINDOW_MS);
    }
  });

  it("calls again when the last call is in the future or unreadable", () => {
    expect(decidePublish(T0, T0 + 1_000).call).toBe(true);
    expect(decidePublish(T0, Number.NaN).call).toBe(true);
  });

  it("makes the build wait for its window, never more than a window and the margin", () => {
    const body = JSON.stringify({ publishAfter: new Date(T0 + WINDOW_MS).toISOString() });
    expect(readPublishAfter(body)).toBe(T0 + WINDOW_MS);
    expect(publishWait(readPublishAfter(body), T0 + 20_000)).toBe(40_000 + CLOCK_MARGIN_MS);
    expect(publishWait(readPublishAfter(body), T0 + 120_000)).toBe(0);
    expect(publishWait(Date.parse("2030-01-01T00:00:00Z"), T0)).toBe(MAX_WAIT_MS);
    // Another caller's hook (a CMS, curl -d '{}'): no wait.
    for (const other of [undefined, "", "{}", "not json", '{"publishAfter":"hier"}']) expect(publishWait(readPublishAfter(other), T0)).toBe(0);
  });

  it("takes only a Netlify build hook's address, and never shows it whole", () => {
    expect(parseHookUrl(`https://api.netlify.com/build_hooks/${HOOK_ID}`, "X")).toEqual({ origin: "https://api.netlify.com", id: HOOK_ID });
    for (const wrong of ["", "api.netlify.com/build_hooks/abc", `http://api.netlify.com/build_hooks/${HOOK_ID}`, `https://api.netlify.com/hooks/${HOOK_ID}`]) {
      let message = "";
      try {
        parseHookUrl(wrong, "NETLIFY_BUILD_HOOK");
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message, wrong).toMatch(/^NETLIFY_BUILD_HOOK (est vide|n'est pas)/);
      if (wrong.includes(HOOK_ID)) expect(message).not.toContain(HOOK_ID);
    }
  });
});

describe("npm run publish, in this process", () => {
  it("calls the hook once for ten requests in a minute, then again after it, with the window in the body", async () => {
    const cacheDir = join(dir, "in-process");
    const config = { cacheDir, publish: { hook: parseHookUrl(hookUrl, "X") } };
    const before = hooks.calls.length;
    for (let i = 0; i < 10; i++) {
      const { decision } = await publishFromTerminal({ config, now: () => T0 + i * 6_000 });
      expect(decision.call).toBe(i === 0);
    }
    expect(hooks.calls.length - before).toBe(1);
    expect(JSON.parse(hooks.calls.at(-1)!.body)).toEqual({ publishAfter: new Date(T0 + WINDOW_MS).toISOString() });
    expect(hooks.calls.at(-1)!.title).toBe("Publier (terminal)");
    await publishFromTerminal({ config, now: () => T0 + WINDOW_MS });
    expect(hooks.calls.length - before).toBe(2);
  });

  it("records nothing when Netlify refuses, so the next request calls again", async () => {
    const cacheDir = join(dir, "refused");
    const wrongId = { cacheDir, publish: { hook: parseHookUrl(`${netlify}/build_hooks/inconnu0`, "X") } };
    await expect(publishFromTerminal({ config: wrongId, now: () => T0 })).rejects.toThrow(/ne connaît pas ce build hook .*404/);
    await expect(readFile(join(cacheDir, PUBLISH_STATE_FILE))).rejects.toThrow(/ENOENT/);
  });
});

describe("npm run publish, as a command", () => {
  const run = (env: Record<string, string>, cacheDir: string) =>
    promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/publish.ts"], {
      env: { PATH: process.env.PATH ?? "", KIT_CACHE_DIR: cacheDir, ...env },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
    );

  it("starts a build, gathers the next request into it, and starts another after the window", async () => {
    const cacheDir = join(dir, "command");
    const before = hooks.calls.length;
    const first = await run({ NETLIFY_BUILD_HOOK: hookUrl }, cacheDir);
    expect(first.code).toBe(0);
    expect(first.output).toMatch(/^Construction lancée à/);
    const second = await run({ NETLIFY_BUILD_HOOK: hookUrl }, cacheDir);
    expect(second.code).toBe(0);
    expect(second.output).toMatch(/^Déjà prévue/);
    expect(hooks.calls.length - before).toBe(1);
    // The last call, a window and a second ago.
    await writeFile(join(cacheDir, PUBLISH_STATE_FILE), JSON.stringify({ lastCall: new Date(Date.now() - WINDOW_MS - 1_000).toISOString() }));
    expect((await run({ NETLIFY_BUILD_HOOK: hookUrl }, cacheDir)).code).toBe(0);
    expect(hooks.calls.length - before).toBe(2);
    for (const { output } of [first, second]) expect(output).not.toContain(HOOK_ID);
  });

  it("says in French what is wrong, exits non-zero, and never prints the hook whole", async () => {
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ["unset", {}, /NETLIFY_BUILD_HOOK n'est pas défini/],
      ["not a hook", { NETLIFY_BUILD_HOOK: `https://api.netlify.com/hooks/${HOOK_ID}` }, /NETLIFY_BUILD_HOOK n'est pas l'adresse d'un build hook Netlify/],
      ["404", { NETLIFY_BUILD_HOOK: `${netlify}/build_hooks/${HOOK_ID}ff` }, /Netlify ne connaît pas ce build hook .*404/],
      ["network down", { NETLIFY_BUILD_HOOK: `${down}/build_hooks/${HOOK_ID}` }, /Netlify ne répond pas/],
    ];
    const before = hooks.calls.length;
    for (const [what, env, message] of cases) {
      await mkdir(join(dir, what), { recursive: true });
      const { code, output } = await run(env, join(dir, what));
      expect(code, what).toBe(1);
      expect(output, what).toMatch(message);
      expect(output, what).not.toContain(HOOK_ID);
      expect(output, what).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect(hooks.calls.length).toBe(before);
  });
});

describe("the Airtable automation's script", () => {
  it("is airtable/publier.js as committed (npm run airtable:publish-script)", async () => {
    expect(await readFile(PUBLISH_SCRIPT, "utf8")).toBe(await bundlePublishScript(process.cwd()));
  });

  /** Airtable's Site table, as the scripting API shows it: unknown fields are refused, as Airtable does. */
  function fakeBase(fields: Record<string, unknown>) {
    const known = new Set(Object.keys(SITE.fields));
    const check = (name: string) => {
      if (!known.has(name)) throw new Error(`No field with name ${name}`);
    };
    const record = {
      id: "recSITE00000000001",
      getCellValue: (name: string) => (check(name), fields[name] ?? null),
    };
    return {
      fields,
      base: {
        getTable: (name: string) => {
          if (name !== SITE.name) throw new Error(`No table with name ${name}`);
          return {
            selectRecordsAsync: async ({ fields: wanted }: { fields: string[] }) => (wanted.forEach(check), { records: [record] }),
            updateRecordAsync: async (id: string, values: Record<string, unknown>) => {
              expect(id).toBe(record.id);
              for (const [name, value] of Object.entries(values)) (check(name), (fields[name] = value));
            },
          };
        },
      },
    };
  }

  async function runScript(options: { secret: string | undefined; now: number; site: ReturnType<typeof fakeBase> }) {
    const code = await readFile(PUBLISH_SCRIPT, "utf8");
    const logs: string[] = [];
    const outputs: Record<string, string> = {};
    const context = vm.createContext({
      input: {
        secret: (name: string) => {
          if (name !== "NETLIFY_BUILD_HOOK" || options.secret === undefined) throw new Error(`Secret ${name} not found`);
          return options.secret;
        },
      },
      base: options.site.base,
      output: { set: (key: string, value: string) => (outputs[key] = value) },
      console: { log: (...args: unknown[]) => logs.push(args.join(" ")) },
      fetch,
      __now: () => options.now,
    });
    vm.runInContext("Date.now = () => __now();", context);
    // Airtable runs a script as the body of an async function: that is how its top-level await works.
    let error: Error | undefined;
    try {
      await vm.runInContext(`(async () => {\n${code}\n})()`, context, { filename: PUBLISH_SCRIPT });
    } catch (thrown) {
      error = thrown as Error;
    }
    return { logs, outputs, error, shown: [...logs, ...Object.values(outputs), String(options.site.fields["État de la publication"]), error?.message ?? ""].join("\n") };
  }

  it("makes one build of ten ticks of « Publier » in a minute, unticks the box each time, and another after the minute", async () => {
    const site = fakeBase({ "Nom du site": "Mon conseiller rénovation", Publier: true });
    const before = hooks.calls.length;
    for (let i = 0; i < 10; i++) {
      site.fields.Publier = true;
      const { error, outputs, shown } = await runScript({ secret: hookUrl, now: T0 + i * 6_000, site });
      expect(error).toBeUndefined();
      expect(site.fields.Publier).toBe(false);
      expect(outputs.message).toMatch(i === 0 ? /^Construction lancée à 14:00:00/ : /^Déjà prévue : la construction lancée à 14:00:00 lira la base à partir de 14:01:00/);
      expect(shown).not.toContain(HOOK_ID);
    }
    expect(hooks.calls.length - before).toBe(1);
    expect(site.fields["Publication lancée le"]).toBe(new Date(T0).toISOString());
    expect(hooks.calls.at(-1)).toEqual({ id: HOOK_ID, title: "Publier (Airtable)", body: JSON.stringify({ publishAfter: new Date(T0 + WINDOW_MS).toISOString() }) });
    await runScript({ secret: hookUrl, now: T0 + WINDOW_MS, site });
    expect(hooks.calls.length - before).toBe(2);
    expect(site.fields["Publication lancée le"]).toBe(new Date(T0 + WINDOW_MS).toISOString());
  });

  it("fails the run with a French message in « État de la publication », unticks the box, and never shows the hook whole", async () => {
    const cases: Array<[string, string | undefined, RegExp]> = [
      ["no secret", undefined, /Le secret NETLIFY_BUILD_HOOK manque/],
      ["not a hook", `https://example.org/build_hooks/${HOOK_ID}x/../../${HOOK_ID}`, /n'est pas l'adresse d'un build hook Netlify/],
      ["404", `${netlify}/build_hooks/${HOOK_ID}ff`, /Netlify ne connaît pas ce build hook .*404/],
      ["network down", `${down}/build_hooks/${HOOK_ID}`, /Netlify ne répond pas/],
    ];
    const before = hooks.calls.length;
    for (const [what, secret, message] of cases) {
      const site = fakeBase({ Publier: true });
      const { error, shown } = await runScript({ secret, now: T0, site });
      expect(error?.message, what).toMatch(message);
      expect(site.fields["État de la publication"], what).toMatch(/^Échec : /);
      expect(site.fields["État de la publication"], what).toMatch(message);
      expect(site.fields.Publier, what).toBe(false);
      expect(site.fields["Publication lancée le"], what).toBeUndefined();
      expect(shown, what).not.toContain(HOOK_ID);
    }
    expect(hooks.calls.length).toBe(before);
  });
});
