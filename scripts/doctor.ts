// npm run doctor — checks the whole setup (Node, the base, Airtable, the address index, the
// deployed site) and prints a checklist; exits 0 only when every line is ✔ (skipped lines, for
// information, do not count). The checks are in lib/app/doctor.ts; this only prints them.
import { readFile } from "node:fs/promises";
import { allPassed, doctor, formatChecklist } from "../lib/app/doctor.ts";

const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")) as { engines?: { node?: string } };
const checks = await doctor({ nodeVersion: process.versions.node, requiredNode: pkg.engines?.node });
console.log(formatChecklist(checks));
process.exitCode = allPassed(checks) ? 0 : 1;
