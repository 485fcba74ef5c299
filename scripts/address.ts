// npm run -s address -- search <index> "<query>" [--limit N]
// npm run -s address -- search <index> --stdin [--limit N]   (one query per line in, one JSON line out)
// Answers exactly as GET /api/address does (same handler), for measuring quality and speed.
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { createAddressHandler } from "../lib/address/api.ts";
import { loadIndex } from "../lib/address/index-file.ts";
import { LocalProvider } from "../lib/address/providers.ts";

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { limit: { type: "string", default: "5" }, stdin: { type: "boolean", default: false } },
});
const [command, indexPath, query] = positionals;
if (command !== "search" || !indexPath || (!args.stdin && query === undefined)) {
  console.error('usage : npm run -s address -- search <index> "<requête>" [--limit N] | search <index> --stdin [--limit N]');
  process.exit(2);
}
const index = loadIndex(indexPath).catch((error: Error) => {
  console.error(`Index d'adresses illisible (${indexPath}) : ${error.message}. Créez-le avec npm run addresses:import.`);
  process.exit(1);
});
const handler = createAddressHandler({ provider: new LocalProvider(() => index) });
const answer = async (q: string) => {
  const params = new URLSearchParams({ q, limit: args.limit });
  return (await handler(new Request(`http://localhost/api/address?${params}`))).text();
};

if (args.stdin) {
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    process.stdout.write(`${await answer(line)}\n`);
  }
} else {
  const body = await answer(query as string);
  process.stdout.write(`${JSON.stringify(JSON.parse(body), null, 2)}\n`);
}
