// Runs the real build (Eleventy through tsx) and the kit's commands in throwaway folders.
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

export async function buildWithBase(baseDir: string, extraEnv: Record<string, string> = {}, args: string[] = []): Promise<BuildRun> {
  const root = await mkdtemp(join(tmpdir(), "kit-build-"));
  const outDir = join(root, "site");
  const buildDir = join(root, "build");
  const env = { ...process.env, KIT_BASE_DIR: baseDir, KIT_OUTPUT_DIR: outDir, KIT_BUILD_DIR: buildDir, ADDRESS_INDEX: join(buildDir, "adresses.idx"), ...extraEnv };
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "-s", "build", ...(args.length ? ["--", ...args] : [])], { env });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output, outDir, buildDir }));
  });
}

export interface CommandRun {
  code: number | null;
  output: string;
}

/** Runs `npm run -s <script>` with extra environment variables. */
export async function runScript(script: string, env: Record<string, string>, args: string[] = []): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "-s", script, ...(args.length ? ["--", ...args] : [])], { env: { ...process.env, ...env } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}
