#!/usr/bin/env node
// `electron-vite build` with progress: names each of the three build steps as it starts, echoes
// vite's own lines, and while vite is silent (the renderer's ~400 modules take about a minute on two
// cores) prints a "still building" line every HEARTBEAT_MS with the elapsed time. Exit status is
// electron-vite's. Used by scripts/lib.mjs `build()` (so by `npm start` and `npm run test:e2e`).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

/** Longest silence before a progress line, milliseconds. */
const HEARTBEAT_MS = 10_000;

/** The steps electron-vite runs, in order, recognised by vite's "building ... environment" line. */
const STEPS = [
  { label: 'main process and web shell (electron/main, electron/web)', hint: 'a few seconds' },
  { label: 'preload (electron/preload)', hint: 'under a second' },
  { label: 'renderer (Svelte app, ~400 modules)', hint: 'the slow step, about 1 minute' },
];

const t0 = Date.now();
const secs = (since) => `${Math.round((Date.now() - since) / 1000)} s`;
let step = -1;
let stepStart = t0;
let lastOutput = Date.now();
let phase = 'starting';

console.log(`build: electron-vite build into out/ (3 steps; about 1-2 minutes on a fresh checkout)`);

// electron-vite reads Electron's major version from node_modules/electron to pick the Node target.
// Electron is optional (an npm that ran its failing download drops it): then take the major version
// from package.json's range, which electron-vite accepts as ELECTRON_MAJOR_VER.
const env = { ...process.env };
try {
  createRequire(join(ROOT, 'package.json')).resolve('electron/package.json');
} catch {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const range = String(pkg.optionalDependencies?.electron ?? pkg.devDependencies?.electron ?? '');
  const major = /(\d+)/.exec(range)?.[1];
  if (major) {
    env.ELECTRON_MAJOR_VER = major;
    console.log(`build: the electron package is not installed; building for Electron ${major} (package.json)`);
  }
}

const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
  cwd: ROOT,
  env,
  stdio: ['ignore', 'pipe', 'pipe'],
});

function onLine(line, stream) {
  lastOutput = Date.now();
  if (/building .* for production/.test(line)) {
    if (step >= 0) console.log(`build: step ${step + 1}/3 done in ${secs(stepStart)}`);
    step = Math.min(step + 1, STEPS.length - 1);
    stepStart = Date.now();
    console.log(`build: step ${step + 1}/3 ${STEPS[step].label} (${STEPS[step].hint})`);
  }
  if (/transforming/.test(line)) phase = 'transforming modules';
  else if (/rendering chunks/.test(line)) phase = 'writing bundles';
  stream.write(`  ${line}\n`);
}

for (const [source, sink] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
  let rest = '';
  source.setEncoding('utf8');
  source.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) onLine(l, sink);
  });
  source.on('end', () => {
    if (rest) onLine(rest, sink);
  });
}

const timer = setInterval(() => {
  if (Date.now() - lastOutput < HEARTBEAT_MS) return;
  const where = step >= 0 ? `step ${step + 1}/3 ${STEPS[step].label.split(' (')[0]}` : 'loading the build config';
  console.log(`build: ... still ${phase} (${where}, ${secs(stepStart)} in this step, ${secs(t0)} in all)`);
  lastOutput = Date.now();
}, 1000);

child.on('error', (e) => {
  clearInterval(timer);
  console.error(`build: could not run electron-vite: ${e.message}`);
  process.exit(127);
});
child.on('close', (code, signal) => {
  clearInterval(timer);
  const status = code ?? (signal ? 1 : 0);
  if (status === 0) console.log(`build: step ${Math.max(step + 1, 1)}/3 done in ${secs(stepStart)}; build finished in ${secs(t0)}`);
  process.exit(status);
});
