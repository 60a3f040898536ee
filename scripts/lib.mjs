// Small helpers shared by the start/test/e2e scripts (plain Node ESM, no dependencies).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

/** Repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Path of a local binary in node_modules/.bin. */
export const bin = (name) => join(ROOT, 'node_modules', '.bin', name);

/** Files electron-vite build produces; all must exist for a build to count as done. */
export const BUILD_OUTPUTS = ['out/main/index.js', 'out/main/webshell.js', 'out/preload/index.cjs', 'out/renderer/index.html'].map((p) => join(ROOT, p));

/** Source trees that end up in the build. */
const SOURCES = ['electron', 'ipc', 'renderer', 'sim', 'models', 'scenarios', 'electron.vite.config.ts', 'package.json'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** True when an output is missing or a source file is newer than the oldest output. */
export function buildIsStale() {
  if (!BUILD_OUTPUTS.every((p) => existsSync(p))) return true;
  const oldest = Math.min(...BUILD_OUTPUTS.map((p) => statSync(p).mtimeMs));
  return SOURCES.some((s) => newestMtime(join(ROOT, s)) > oldest);
}

/** Runs a command with inherited stdio from the repo root; returns its exit status. */
export function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (r.error) {
    console.error(`could not run ${cmd}: ${r.error.message}`);
    return 127;
  }
  return r.status ?? 1;
}

/**
 * Builds main, preload and renderer with electron-vite through scripts/build.mjs (which names each
 * step and prints a progress line whenever vite is silent for 10 s); exits the process on failure.
 */
export function build() {
  const status = run(process.execPath, [join(ROOT, 'scripts', 'build.mjs')]);
  if (status !== 0) {
    console.error(`\nBuild failed (exit ${status}). Fix the errors above, then run \`npm run build\`.`);
    process.exit(status);
  }
}

/** Absolute path of the Electron binary, or null when the package or its binary is not installed. */
export function electronBinary() {
  try {
    const path = createRequire(join(ROOT, 'package.json'))('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}
