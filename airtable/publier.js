// Script de l'automatisation « Publier » (action « Run a script » d'Airtable) : voir le README,
// « Publier les modifications de la base ». Collez ce fichier tel quel. Il est produit par
// `npm run airtable:publish-script` à partir de airtable/publier.ts : ne le modifiez pas ici.

// lib/site/publish.ts
var WINDOW_MS = 6e4;
var CLOCK_MARGIN_MS = 5e3;
var MAX_WAIT_MS = WINDOW_MS + CLOCK_MARGIN_MS;
function decidePublish(now, lastCall, windowMs = WINDOW_MS) {
  if (lastCall !== void 0 && Number.isFinite(lastCall) && lastCall <= now && now - lastCall < windowMs) {
    return { call: false, calledAt: lastCall, readAfter: lastCall + windowMs };
  }
  return { call: true, readAfter: now + windowMs };
}
var HOOK_URL = /^(https?):\/\/([^/?#\s]+)\/build_hooks\/([A-Za-z0-9]+)\/?(?:[?#]\S*)?$/;
var ORIGIN = /^(https?:\/\/[^/?#\s]+)/;
var PublishError = class extends Error {
  name = "PublishError";
};
function parseHookUrl(value, where) {
  const given = value?.trim();
  if (!given) {
    throw new PublishError(
      `${where} est vide : collez l'adresse du build hook créé dans Netlify (« Site configuration » → « Build & deploy » → « Build hooks »).`
    );
  }
  const match = HOOK_URL.exec(given);
  const host = match?.[2]?.toLowerCase().replace(/:\d+$/, "");
  const local = host === "localhost" || host === "127.0.0.1";
  if (!match || !(match[1] === "https" || local)) {
    const origin = ORIGIN.exec(given)?.[1];
    throw new PublishError(
      `${where} n'est pas l'adresse d'un build hook Netlify${origin ? ` (${origin}/…)` : ""} : elle doit avoir la forme https://api.netlify.com/build_hooks/<identifiant>.`
    );
  }
  return { origin: `${match[1]}://${match[2]}`, id: match[3] };
}
function maskHookUrl(hook) {
  return `${hook.origin}/build_hooks/${hook.id.slice(0, 4)}…`;
}
async function triggerBuild({ hook, readAfter, title, fetch: fetchFn = fetch }) {
  const url = `${hook.origin}/build_hooks/${hook.id}?trigger_title=${encodeURIComponent(title)}`;
  const body = { publishAfter: new Date(readAfter).toISOString() };
  let response;
  try {
    response = await fetchFn(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  } catch {
    throw new PublishError(
      `Netlify ne répond pas (${maskHookUrl(hook)}) : vérifiez la connexion à internet, puis recommencez. Aucune construction n'a été lancée.`
    );
  }
  await response.text().catch(() => "");
  if (response.ok) return;
  if (response.status === 404) {
    throw new PublishError(
      `Netlify ne connaît pas ce build hook (${maskHookUrl(hook)}, réponse 404) : il a été supprimé, ou l'adresse est incomplète. Recopiez-la depuis Netlify (« Build hooks »). Aucune construction n'a été lancée.`
    );
  }
  throw new PublishError(
    `Netlify a refusé la demande (réponse ${response.status}) : recommencez dans quelques minutes. Aucune construction n'a été lancée.`
  );
}
function publishMessage(decision, formatTime) {
  return decision.call ? `Construction lancée à ${formatTime(decision.readAfter - WINDOW_MS)} : elle lira la base à partir de ${formatTime(decision.readAfter)} (les modifications faites d'ici là en seront), et le site sera à jour quelques minutes après.` : `Déjà prévue : la construction lancée à ${formatTime(decision.calledAt)} lira la base à partir de ${formatTime(decision.readAfter)}, donc avec vos dernières modifications.`;
}
function parisTime(ms) {
  try {
    return new Intl.DateTimeFormat("fr-FR", { timeZone: "Europe/Paris", hour: "2-digit", minute: "2-digit", second: "2-digit" }).format(ms);
  } catch {
    return `${new Date(ms).toISOString().slice(11, 19)} (UTC)`;
  }
}

// airtable/publier.ts
var SECRET = "NETLIFY_BUILD_HOOK";
var TABLE = "Site";
var FIELDS = { publish: "Publier", publishedAt: "Publication lancée le", status: "État de la publication" };
async function main() {
  const table = base.getTable(TABLE);
  const { records } = await table.selectRecordsAsync({ fields: [FIELDS.publishedAt] });
  const site = records[0];
  if (!site) throw new PublishError(`La table « ${TABLE} » n'a aucun enregistrement : il n'y a rien à publier.`);
  const report = async (status, fields = {}) => {
    await table.updateRecordAsync(site.id, { [FIELDS.publish]: false, [FIELDS.status]: status, ...fields });
    output.set("message", status);
    console.log(status);
  };
  try {
    let secret;
    try {
      secret = input.secret(SECRET);
    } catch {
      secret = void 0;
    }
    if (!secret) {
      throw new PublishError(
        `Le secret ${SECRET} manque : dans l'action « Run a script », « Secrets » → « Add existing secret », choisissez ${SECRET} (l'adresse du build hook Netlify).`
      );
    }
    const hook = parseHookUrl(secret, `Le secret ${SECRET}`);
    const now = Date.now();
    const written = site.getCellValue(FIELDS.publishedAt);
    const decision = decidePublish(now, typeof written === "string" ? Date.parse(written) : void 0);
    if (decision.call) {
      await triggerBuild({ hook, readAfter: decision.readAfter, title: "Publier (Airtable)" });
      await report(publishMessage(decision, parisTime), { [FIELDS.publishedAt]: new Date(now).toISOString() });
    } else {
      await report(publishMessage(decision, parisTime));
    }
  } catch (error) {
    if (!(error instanceof PublishError)) throw error;
    await report(`Échec : ${error.message}`);
    throw error;
  }
}
await main();
