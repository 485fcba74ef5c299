// Builds the site (pages, build/forms.json, address index) once before the tests.
import { spawnSync } from "node:child_process";

export default function setup(): void {
  const started = Date.now();
  const result = spawnSync("npm", ["run", "-s", "build"], { encoding: "utf8", env: { ...process.env } });
  if (result.status !== 0) {
    throw new Error(`npm run build failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  console.log(`site built in ${Date.now() - started} ms`);
}
