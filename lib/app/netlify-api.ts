// What `npm run doctor` checks on the deployed site, through Netlify's API: the site, its
// environment variables (the Airtable ones, never their values) and its build hooks (never their
// addresses, which are secrets). Three routes: GET /sites/{id}, GET /accounts/{account}/env?site_id=
// and GET /sites/{id}/build_hooks (https://open-api.netlify.com).
import type { Check } from "../airtable/doctor.ts";
import { probe, type Reply } from "../site/probe.ts";

export const DEFAULT_NETLIFY_API_URL = "https://api.netlify.com/api/v1";

export interface NetlifyAccess {
  apiUrl: string;
  authToken: string;
  siteId: string;
}

/** Where a variable must be available: in the build (reading the base) and in the functions (writing answers). */
const NEEDED_SCOPES = ["builds", "functions"] as const;

interface EnvVar {
  key: string;
  scopes?: string[];
  values?: Array<{ context?: string }>;
}

function get(access: NetlifyAccess, path: string, timeoutMs: number): Promise<Reply> {
  return probe(`${access.apiUrl}${path}`, { headers: { authorization: `Bearer ${access.authToken}` } }, timeoutMs);
}

const APP = "https://app.netlify.com";
const SITE_ID_HELP = "l'identifiant du site est dans Netlify : « Site configuration » → « Site details » → « Site ID »";

/**
 * The deployed site's lines: the site, then its variables and build hooks (asked at the same
 * time). `airtableVariables` lists the variables the site needs (the Airtable ones when this
 * machine uses Airtable; none for the embedded base).
 */
export async function checkNetlifySite(access: NetlifyAccess, airtableVariables: readonly string[], timeoutMs: number): Promise<Check[]> {
  const site = encodeURIComponent(access.siteId);
  const answer = await get(access, `/sites/${site}`, timeoutMs);
  if ("unreachable" in answer) {
    return [{ status: "fail", label: `API Netlify injoignable (${answer.unreachable})`, fix: "Vérifiez votre connexion à internet, puis relancez npm run doctor." }];
  }
  if (answer.status === 401) {
    return [
      {
        status: "fail",
        label: "Jeton Netlify refusé (NETLIFY_AUTH_TOKEN)",
        fix: `Copiez-le en entier ; s'il a expiré ou a été révoqué, créez-en un dans Netlify : « User settings » → « Applications » → « Personal access tokens » (${APP}/user/applications).`,
      },
    ];
  }
  if (answer.status === 404 || answer.status === 403) {
    return [
      {
        status: "fail",
        label: `Site Netlify ${access.siteId} introuvable, ou ce jeton n'y a pas accès (NETLIFY_SITE_ID)`,
        fix: `Vérifiez NETLIFY_SITE_ID (${SITE_ID_HELP}) et que le jeton appartient à un membre de l'équipe du site.`,
      },
    ];
  }
  const details = answer.body as { account_id?: unknown; name?: unknown } | undefined;
  if (answer.status !== 200 || typeof details?.account_id !== "string") {
    return [{ status: "fail", label: `Site Netlify ${access.siteId} : l'API Netlify a répondu ${answer.status}`, fix: "Relancez npm run doctor dans quelques minutes." }];
  }
  const name = typeof details.name === "string" ? details.name : access.siteId;
  const [env, hooks] = await Promise.all([
    get(access, `/accounts/${encodeURIComponent(details.account_id)}/env?site_id=${site}`, timeoutMs),
    get(access, `/sites/${site}/build_hooks`, timeoutMs),
  ]);
  const settings = `${APP}/sites/${name}/configuration`;
  return [{ status: "ok", label: `Site Netlify « ${name} » accessible` }, envCheck(env, airtableVariables, settings), hooksCheck(hooks, settings)];
}

function envCheck(reply: Reply, wanted: readonly string[], settings: string): Check {
  if ("unreachable" in reply || reply.status !== 200 || !Array.isArray(reply.body)) {
    const why = "unreachable" in reply ? reply.unreachable : `l'API Netlify a répondu ${reply.status}`;
    return { status: "fail", label: `Variables d'environnement du site non lues (${why})`, fix: "Relancez npm run doctor dans quelques minutes." };
  }
  if (wanted.length === 0) return { status: "ok", label: "Variables d'environnement du site : aucune n'est requise avec la base embarquée" };
  const vars = reply.body as EnvVar[];
  const problems: string[] = [];
  for (const key of wanted) {
    const found = vars.find((v) => v.key === key);
    if (!found) {
      problems.push(`${key} absente`);
      continue;
    }
    const scopes = found.scopes ?? [];
    const lacking = NEEDED_SCOPES.filter((s) => !scopes.includes(s));
    if (lacking.length > 0) problems.push(`${key} n'est pas disponible pour : ${lacking.map((s) => (s === "builds" ? "la construction (Builds)" : "les fonctions (Functions)")).join(", ")}`);
    // Only where each value applies is read, never the value.
    if (!(found.values ?? []).some((v) => v.context === "all" || v.context === "production")) problems.push(`${key} n'a pas de valeur pour la production`);
  }
  if (problems.length === 0) return { status: "ok", label: `Variables d'environnement du site présentes (${wanted.join(", ")})` };
  return {
    status: "fail",
    label: "Variables d'environnement du site incomplètes",
    details: problems,
    fix: `Dans Netlify, « Site configuration » → « Environment variables » (${settings}/env) : ajoutez-les avec les mêmes valeurs que sur votre poste, pour tous les contextes et tous les « scopes », puis redéployez.`,
  };
}

function hooksCheck(reply: Reply, settings: string): Check {
  if ("unreachable" in reply || reply.status !== 200 || !Array.isArray(reply.body)) {
    const why = "unreachable" in reply ? reply.unreachable : `l'API Netlify a répondu ${reply.status}`;
    return { status: "fail", label: `Build hooks du site non lus (${why})`, fix: "Relancez npm run doctor dans quelques minutes." };
  }
  const count = reply.body.length;
  // A hook's address lets anyone start a build: it is counted, never shown.
  if (count > 0) return { status: "ok", label: `Build hook présent (${count})` };
  return {
    status: "fail",
    label: "Aucun build hook sur le site",
    fix: `Dans Netlify, « Site configuration » → « Build & deploy » → « Build hooks » → « Add build hook » (${settings}/deploys#build-hooks) : son adresse permet de reconstruire le site après une modification dans Airtable.`,
  };
}
