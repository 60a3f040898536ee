#!/usr/bin/env node
// `npm install`'s root postinstall: fetch the Electron binary if it can be fetched, and say plainly
// which shell `npm start` will open. It never fails the install.
//
// Why here and not in Electron's own postinstall: npm >= 11.x gates dependency install scripts by
// package.json `allowScripts`; electron is listed there as `false`, so npm never runs its download
// (which exits 1 where github.com cannot be reached and, as a required dependency, used to stop
// `npm install`). electron is also an optionalDependency, so an npm that ignores `allowScripts`
// (npm 10) and runs the failing download drops the package instead of failing the install.
// Either way this script is what tries the download, with a time limit, and reports the result.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, electronBinary } from './lib.mjs';

/** Longest time the binary download may take, milliseconds (~100 MB on a slow link). */
const DOWNLOAD_LIMIT_MS = 10 * 60 * 1000;
const WEB = '`npm start` will use the web shell (it prints a http://127.0.0.1 URL to open in a browser).';
const installer = join(ROOT, 'node_modules', 'electron', 'install.js');

/** First line of the child's output that names the failure (e.g. `getaddrinfo ENOTFOUND github.com`). */
function failureReason(output) {
  const lines = String(output).split('\n').map((l) => l.trim()).filter(Boolean);
  const named = lines.find((l) => /^(Request)?Error\b|^[A-Za-z]*Error:|ENOTFOUND|ECONN|ETIMEDOUT|EAI_AGAIN/.test(l));
  return (named ?? lines[0] ?? 'no output').replace(/^[A-Za-z]*Error:\s*/, '').slice(0, 200);
}

function main() {
  if (electronBinary()) {
    console.log(`faultline: Electron binary present: \`npm start\` opens the desktop app.`);
    return;
  }
  if (!existsSync(installer)) {
    console.log(`faultline: Electron is not installed (optional dependency skipped): ${WEB}`);
    return;
  }
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    console.log(`faultline: Electron binary download skipped (ELECTRON_SKIP_BINARY_DOWNLOAD): ${WEB}`);
    return;
  }
  console.log('faultline: downloading the Electron binary (optional; the web shell works without it)...');
  const r = spawnSync(process.execPath, [installer], { cwd: join(ROOT, 'node_modules', 'electron'), encoding: 'utf8', timeout: DOWNLOAD_LIMIT_MS });
  if (r.status === 0 && electronBinary()) {
    console.log('faultline: Electron binary installed: `npm start` opens the desktop app.');
    return;
  }
  const why = r.error ? (r.error.code === 'ETIMEDOUT' ? `no answer within ${DOWNLOAD_LIMIT_MS / 60000} min` : r.error.message) : failureReason(`${r.stderr}\n${r.stdout}`);
  console.log(`faultline: Electron binary could not be downloaded (${why}): ${WEB}`);
  console.log('faultline: to retry the download later: node node_modules/electron/install.js');
}

try {
  main();
} catch (e) {
  console.log(`faultline: Electron check failed (${e instanceof Error ? e.message : String(e)}): ${WEB}`);
}
