// The « Publier » automation's script, for Airtable's « Run a script » action. Bundled with the rule
// it shares with `npm run publish` (lib/site/publish.ts) into airtable/publier.js, the one file the
// intrapreneur pastes: `npm run airtable:publish-script` writes it, a test checks it is up to date.
//
// Trigger: « When a record matches conditions », table Site, « Publier » is checked. Secret:
// NETLIFY_BUILD_HOOK, the build hook's URL. The script unticks « Publier » whatever happens, so that
// the box can be ticked again, and says what it did in « État de la publication ».
// Only lib/site/publish.ts is bundled (it imports nothing); the Site table's names are written out
// here rather than imported from lib/base/tables.ts, which would bring zod along. tests/publish.test.ts
// checks that they are the table's.
import { decidePublish, parisTime, parseHookUrl, publishMessage, PublishError, triggerBuild } from "../lib/site/publish.ts";

// Airtable's scripting globals, as far as this script uses them (airtable.com/developers/scripting).
interface AirtableRecord {
  id: string;
  getCellValue(field: string): unknown;
}
interface AirtableTable {
  selectRecordsAsync(options: { fields: string[] }): Promise<{ records: AirtableRecord[] }>;
  updateRecordAsync(id: string, fields: Record<string, unknown>): Promise<void>;
}
declare const input: { secret(name: string): string };
declare const base: { getTable(name: string): AirtableTable };
declare const output: { set(key: string, value: string): void };

const SECRET = "NETLIFY_BUILD_HOOK";
const TABLE = "Site";
const FIELDS = { publish: "Publier", publishedAt: "Publication lancée le", status: "État de la publication" } as const;

async function main(): Promise<void> {
  const table = base.getTable(TABLE);
  const { records } = await table.selectRecordsAsync({ fields: [FIELDS.publishedAt] });
  const site = records[0];
  if (!site) throw new PublishError(`La table « ${TABLE} » n'a aucun enregistrement : il n'y a rien à publier.`);
  const report = async (status: string, fields: Record<string, unknown> = {}) => {
    await table.updateRecordAsync(site.id, { [FIELDS.publish]: false, [FIELDS.status]: status, ...fields });
    output.set("message", status);
    console.log(status);
  };
  try {
    let secret: string | undefined;
    try {
      secret = input.secret(SECRET);
    } catch {
      secret = undefined;
    }
    if (!secret) {
      throw new PublishError(
        `Le secret ${SECRET} manque : dans l'action « Run a script », « Secrets » → « Add existing secret », choisissez ${SECRET} (l'adresse du build hook Netlify).`,
      );
    }
    const hook = parseHookUrl(secret, `Le secret ${SECRET}`);
    const now = Date.now();
    const written = site.getCellValue(FIELDS.publishedAt);
    const decision = decidePublish(now, typeof written === "string" ? Date.parse(written) : undefined);
    if (decision.call) {
      await triggerBuild({ hook, readAfter: decision.readAfter, title: "Publier (Airtable)" });
      await report(publishMessage(decision, parisTime), { [FIELDS.publishedAt]: new Date(now).toISOString() });
    } else {
      await report(publishMessage(decision, parisTime));
    }
  } catch (error) {
    if (!(error instanceof PublishError)) throw error;
    await report(`Échec : ${error.message}`);
    // A failed run shows in the automation's history, and Airtable tells its owner by e-mail.
    throw error;
  }
}

await main();
