// npm run answers:flush [-- --minutes N]
// Writes the answers waiting in Netlify Blobs to the Airtable answers table, until none is left
// (or N minutes have passed), respecting Airtable's limits. Safe to run while the site runs:
// one writer at a time, and an answer already in Airtable is never written twice.
import { parseArgs } from "node:util";
import { commandLineBlobsStore, flushToAirtable } from "../lib/app/answers.ts";

const { values: args } = parseArgs({ options: { minutes: { type: "string", default: "60" } } });
const minutes = Number(args.minutes);
if (!Number.isFinite(minutes) || minutes <= 0) {
  console.error("--minutes attend un nombre de minutes positif.");
  process.exit(2);
}

const { store, where, close } = await commandLineBlobsStore();
// Ctrl-C stops between two writes and releases the lease, so the scheduled flush is not kept waiting.
const interrupt = new AbortController();
process.once("SIGINT", () => interrupt.abort());
process.once("SIGTERM", () => interrupt.abort());
try {
  const waiting = (await store.pendingKeys()).length;
  console.log(`${waiting} réponse${waiting > 1 ? "s" : ""} en attente (${where}).`);
  const started = Date.now();
  const report = await flushToAirtable({
    store,
    durationMs: minutes * 60_000,
    signal: interrupt.signal,
    onProgress: (r) => {
      const seconds = (Date.now() - started) / 1000;
      process.stdout.write(`\r${r.written}/${waiting} écrites dans Airtable (${(r.written / Math.max(seconds, 0.001)).toFixed(1)}/s)   `);
    },
  });
  process.stdout.write("\n");
  const left = (await store.pendingKeys()).length;
  if (report.missingColumns.length) {
    console.warn(`Colonnes absentes de la table « Réponses » : ${report.missingColumns.join(", ")}. Leurs réponses sont dans « Données brutes » ; lancez npm run airtable:setup pour les créer.`);
  }
  if (report.stoppedBy === "lease") console.log("Un autre envoi est en cours (fonction programmée ?) : réessayez dans une minute.");
  if (report.stoppedBy === "interrupted") console.log("Interrompu : les réponses restantes attendent le prochain envoi.");
  if (report.stoppedBy === "error") {
    console.error(`Airtable refuse l'écriture : ${report.error}. Les réponses restent en attente, rien n'est perdu.`);
    process.exitCode = 1;
  }
  console.log(`${report.written} écrites, ${left} en attente, ${report.rateLimited} pause(s) après un 429, ${report.retries} nouvel(s) essai(s).`);
} finally {
  await close();
}
