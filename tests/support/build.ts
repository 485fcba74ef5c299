// Runs the real build (Eleventy through tsx) on a given base into throwaway folders.
import { spawn } from "node:child_process";
import { cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface BuildRun {
  code: number | null;
  output: string;
  outDir: string;
  buildDir: string;
}

export async function copyBase(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kit-base-"));
  await cp("data/base", dir, { recursive: true });
  return dir;
}

export async function buildWithBase(baseDir: string): Promise<BuildRun> {
  const root = await mkdtemp(join(tmpdir(), "kit-build-"));
  const outDir = join(root, "site");
  const buildDir = join(root, "build");
  const env = { ...process.env, KIT_BASE_DIR: baseDir, KIT_OUTPUT_DIR: outDir, KIT_BUILD_DIR: buildDir, ADDRESS_INDEX: join(buildDir, "adresses.json") };
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "-s", "build"], { env });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output, outDir, buildDir }));
  });
}
