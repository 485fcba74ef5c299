// npm run doctor: the whole setup checked at once, as a French checklist. Each check returns
// lines (✔, ✘ with what to do, or skipped for information); nothing here prints. Independent
// checks run at the same time: Node, the base and what depends on it (Airtable's token, rights
// and structure, the content, the address index's coverage of the territory), the deployed site.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { IndexFormatError } from "../address/engine.ts";
import { DEFAULT_SAMPLE, importBanFiles, loadIndex } from "../address/index-file.ts";
import { departementOf } from "../address/departements.ts";
import { hasTerritory, inTerritory, type Territory } from "../address/territory.ts";
import { readAirtableBase } from "../airtable/base-reader.ts";
import { checkAirtableAccess, checkAirtableStructure, DOCTOR_TIMEOUT_MS, type Check } from "../airtable/doctor.ts";
import { readEmbeddedBase } from "../base/embedded.ts";
import { BaseValidationError, formatProblem, validateBase, type Model } from "../base/model.ts";
import { allFormDefinitions } from "../forms/definitions.ts";
import { ConfigError, readConfig, type Config, type Env } from "./config.ts";
import { checkNetlifySite } from "./netlify-api.ts";

export type { Check, CheckStatus } from "../airtable/doctor.ts";

export interface DoctorOptions {
  /** This Node's version (process.versions.node). */
  nodeVersion: string;
  /** package.json's engines.node, e.g. ">=20.19". */
  requiredNode?: string;
  /** How long each network request may take. */
  timeoutMs?: number;
}

/**
 * The checklist for an environment (this process's when `env` is not given): a wrong variable is
 * a line of its own, like any other problem.
 */
export async function doctor(options: DoctorOptions, env?: Env): Promise<Check[]> {
  let config: Config;
  try {
    config = env ? readConfig(env) : readConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const [title, ...lines] = error.message.split("\n");
    return [
      nodeCheck(options),
      { status: "fail", label: title ?? error.message, details: lines.map((l) => l.replace(/^- /, "")), fix: "Corrigez ces variables (ou retirez-les), puis relancez npm run doctor." },
    ];
  }
  return runChecks(config, options);
}

export async function runChecks(config: Config, options: DoctorOptions): Promise<Check[]> {
  const timeoutMs = options.timeoutMs ?? DOCTOR_TIMEOUT_MS;
  const [base, site] = await Promise.all([baseChecks(config, timeoutMs), netlifyChecks(config, timeoutMs)]);
  return [nodeCheck(options), ...base, ...site];
}

const MARK: Record<Check["status"], string> = { ok: "✔", fail: "✘", skip: "–" };

/** Whether every line is ✔ (a skipped line, for information, is no failure). */
export const allPassed = (checks: Check[]): boolean => checks.every((c) => c.status !== "fail");

/** The checklist as printed: a mark and a label per line, its problems under it, then what to do. */
export function formatChecklist(checks: Check[]): string {
  const lines: string[] = ["Vérification de l'installation", ""];
  for (const check of checks) {
    lines.push(`${MARK[check.status]} ${check.label}`);
    for (const detail of check.details ?? []) lines.push(`    - ${detail.replaceAll("\n", "\n      ")}`);
    if (check.fix) lines.push(`    ${check.status === "fail" ? "À faire" : "Pour vérifier"} : ${check.fix}`);
  }
  const failed = checks.filter((c) => c.status === "fail").length;
  lines.push("", failed === 0 ? "Tout est prêt." : `${failed} point${failed > 1 ? "s" : ""} à corriger.`);
  return lines.join("\n");
}

/** Whether `version` (20.19.2) satisfies a minimum written ">=20.19"; undefined for another kind of range. */
export function satisfiesMinimum(version: string, range: string): boolean | undefined {
  const wanted = /^\s*>=\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(range);
  const actual = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!wanted || !actual) return undefined;
  for (let i = 1; i <= 3; i++) {
    const a = Number(actual[i]);
    const w = Number(wanted[i] ?? 0);
    if (a !== w) return a > w;
  }
  return true;
}

function nodeCheck({ nodeVersion, requiredNode }: DoctorOptions): Check {
  if (!requiredNode) return { status: "skip", label: `Node ${nodeVersion} (package.json ne demande pas de version)` };
  const ok = satisfiesMinimum(nodeVersion, requiredNode);
  if (ok === undefined) return { status: "skip", label: `Node ${nodeVersion} (version demandée « ${requiredNode} » non vérifiée)` };
  if (ok) return { status: "ok", label: `Node ${nodeVersion} (demandé : ${requiredNode})` };
  const minimum = requiredNode.replace(/^\s*>=\s*/, "");
  return {
    status: "fail",
    label: `Node ${nodeVersion} trop ancien (demandé : ${requiredNode})`,
    fix: `Installez Node ${minimum} ou plus récent (https://nodejs.org, ou « nvm install 20 »), puis relancez npm install.`,
  };
}

/** The base, where it comes from, then the address index against its territory. */
async function baseChecks(config: Config, timeoutMs: number): Promise<Check[]> {
  const lines: Check[] = [];
  let model: Model | undefined;
  if (config.airtable) {
    const access = await checkAirtableAccess(config.airtable, timeoutMs);
    lines.push(...access.checks);
    // A token short of a write right still reads the base: its content is checked all the same.
    const content = access.recordsReadable ? await contentCheck(config) : undefined;
    model = content?.model;
    let drift = false;
    if (access.tables) {
      // The answers table's columns follow the questions: known once the content is valid.
      const structure = checkAirtableStructure(access.tables, model ? allFormDefinitions(model) : undefined);
      lines.push(structure.check);
      drift = structure.baseTablesDrift;
    }
    if (content && drift) {
      // A field missing makes every record wrong: the structure's line already says what to do.
      lines.push({ status: "skip", label: "Contenu de la base Airtable non vérifié : corrigez d'abord sa structure" });
    } else if (content) {
      lines.push(content.check);
    }
  } else {
    const content = await contentCheck(config);
    model = content.model;
    lines.push(content.check);
  }
  lines.push(await indexCheck(config, model?.site.territory, model !== undefined));
  return lines;
}

async function contentCheck(config: Config): Promise<{ check: Check; model?: Model }> {
  const where = config.airtable ? `Base Airtable ${config.airtable.baseId}` : `Base embarquée (${config.baseDir})`;
  try {
    // Read afresh, once: the doctor looks at the base as it is now, and reports rather than waits.
    const raw = config.airtable ? await readAirtableBase(config.airtable, { attempts: 1 }) : await readEmbeddedBase(config.baseDir);
    const model = validateBase(raw);
    const questions = model.services.reduce((n, s) => n + s.questions.length, 0);
    const count = (n: number, one: string) => `${n} ${one}${n > 1 ? "s" : ""}`;
    return { check: { status: "ok", label: `${where} valide (${count(model.services.length, "service")}, ${count(questions, "question")})` }, model };
  } catch (error) {
    if (!(error instanceof BaseValidationError)) throw error;
    return {
      check: {
        status: "fail",
        label: `${where} : ${error.problems.length} erreur${error.problems.length > 1 ? "s" : ""}`,
        details: error.problems.map((p) => formatProblem(p)),
        fix: config.airtable ? "Corrigez ces enregistrements dans Airtable, puis relancez npm run doctor." : `Corrigez ces fichiers de ${config.baseDir}, puis relancez npm run doctor.`,
      },
    };
  }
}

/**
 * The address index: present, readable, and with addresses in each département and commune of the
 * territory. Not built yet (a fresh clone): `npm run build` makes it from the bundled sample, so the
 * sample is indexed in a temporary file and checked the same way.
 */
async function indexCheck(config: Config, territory: Territory | undefined, territoryKnown: boolean): Promise<Check> {
  if (config.addressProvider === "remote") return { status: "skip", label: "Index d'adresses non utilisé (ADDRESS_PROVIDER=remote : la recherche d'adresse interroge l'API nationale)" };
  const inside = relative(process.cwd(), config.addressIndex);
  const path = inside && !inside.startsWith("..") ? inside : config.addressIndex;
  let index: Awaited<ReturnType<typeof loadIndex>>;
  let where = `${path}`;
  let built = "présent";
  try {
    index = await loadIndex(config.addressIndex);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      const scratch = await mkdtemp(join(tmpdir(), "kit-doctor-index-"));
      try {
        await importBanFiles([DEFAULT_SAMPLE], join(scratch, "adresses.idx"));
        index = await loadIndex(join(scratch, "adresses.idx"));
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
      where = `${path}, que npm run build créera à partir de ${DEFAULT_SAMPLE}`;
      built = "pas encore construit";
    } else {
      if (!(error instanceof IndexFormatError)) throw error;
      return { status: "fail", label: `Index d'adresses illisible (${path}) : ${error.message}`, fix: "Reconstruisez-le : npm run addresses:import -- <départements>, ou npm run build pour l'échantillon." };
    }
  }
  const size = index.size.toLocaleString("fr-FR");
  if (!territoryKnown) return { status: "ok", label: `Index d'adresses ${built} (${where}, ${size} adresses ; sa couverture du territoire n'est pas vérifiée sans base valide)` };
  if (!hasTerritory(territory)) return { status: "ok", label: `Index d'adresses ${built} (${where}, ${size} adresses ; pas de territoire défini dans la table Site)` };
  const citycodes = new Set<string>();
  for (let doc = 0; doc < index.reader.documentCount; doc++) citycodes.add(index.reader.placeOf(doc)[1]);
  const covered = (area: Territory) => [...citycodes].some((code) => inTerritory(code, area));
  const uncovered = [
    ...territory.departements.filter((d) => !covered({ departements: [d], communes: [] })).map((d) => `département ${d}`),
    ...territory.communes.filter((c) => !covered({ departements: [], communes: [c] })).map((c) => `commune ${c}`),
  ];
  if (uncovered.length === 0) return { status: "ok", label: `Index d'adresses ${built} et couvrant le territoire (${where}, ${size} adresses)` };
  const departements = [...new Set([...territory.departements, ...territory.communes.map(departementOf)])];
  return {
    status: "fail",
    label: `Index d'adresses sans adresse du territoire (${where})`,
    details: uncovered.map((area) => `aucune adresse dans : ${area}`),
    fix: `Importez les adresses de votre territoire : npm run addresses:import -- ${departements.join(" ")}`,
  };
}

async function netlifyChecks(config: Config, timeoutMs: number): Promise<Check[]> {
  const { authToken, siteId, apiUrl } = config.netlify;
  if (!authToken) {
    return [
      {
        status: "skip",
        label: "Site déployé non vérifié (NETLIFY_AUTH_TOKEN n'est pas défini)",
        fix: "définissez NETLIFY_AUTH_TOKEN (un jeton personnel Netlify : « User settings » → « Applications ») et NETLIFY_SITE_ID, pour vérifier ses variables d'environnement et son build hook.",
      },
    ];
  }
  if (!siteId) {
    return [
      {
        status: "fail",
        label: "NETLIFY_SITE_ID manque (NETLIFY_AUTH_TOKEN est défini)",
        fix: "Définissez NETLIFY_SITE_ID : dans Netlify, « Site configuration » → « Site details » → « Site ID ».",
      },
    ];
  }
  return checkNetlifySite({ apiUrl, authToken, siteId }, config.airtable ? ["AIRTABLE_TOKEN", "AIRTABLE_BASE_ID"] : [], timeoutMs);
}
