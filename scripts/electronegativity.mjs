#!/usr/bin/env node
// Electron hardening check (issue 8): runs @doyensec/electronegativity over electron/ through its
// programmatic API (its CLI breaks on the project's commander 14) and fails on any HIGH-severity
// finding. Offline by design: the package's two network calls (translations, Electron release list)
// are answered by a stub that fails at once, so the check never waits on the network.
// Usage: node scripts/electronegativity.mjs [--dir electron] [--fail-on HIGH|MEDIUM|LOW] [--json]
import Module, { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: 'electron' },
    'fail-on': { type: 'string', default: 'HIGH' },
    json: { type: 'boolean', default: false },
  },
});
const LEVELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH'];
const failOn = LEVELS.indexOf(String(values['fail-on']).toUpperCase());
if (failOn < 0) {
  console.error(`--fail-on: expected one of ${LEVELS.join(', ')}`);
  process.exit(2);
}

// Offline: `got` inside electronegativity rejects immediately (no DNS, no sockets).
const PKG = '@doyensec/electronegativity';
const origLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  if (request === 'got' && parent && String(parent.filename).includes(PKG)) {
    const offline = () => Promise.reject(new Error('faultline: electronegativity runs offline'));
    offline.stream = () => { throw new Error('faultline: electronegativity runs offline'); };
    return Object.assign(offline, { default: offline });
  }
  return origLoad.call(this, request, parent, isMain);
};
process.env.LANG = 'en-US';
const require = createRequire(import.meta.url);
const run = require(PKG);
// The Electron version the app ships with (devDependency range in package.json, e.g. "^38.8.6"):
// the checks judge defaults (nodeIntegration, contextIsolation, sandbox) by that version.
const rootPkg = require(resolve('package.json'));
const electronVersion = String(rootPkg.optionalDependencies?.electron ?? rootPkg.devDependencies?.electron ?? rootPkg.dependencies?.electron ?? '').replace(/^[^0-9]*/, '') || undefined;

const input = resolve(values.dir);
// The package prints "could not retrieve translations" on the offline path: keep the output clean.
const log = console.log;
console.log = () => {};
let out;
try {
  out = await run({
    input,
    output: undefined,
    isSarif: false,
    customScan: [],
    // The release-list check needs the network and the Electron version of an installed app.
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
    severitySet: undefined,
    confidenceSet: undefined,
    isRelative: true,
    isVerbose: false,
    electronUpgrade: undefined,
    electronVersionOverride: electronVersion,
    parserPlugins: [],
  }, false);
} finally {
  console.log = log;
}

const sev = (i) => String(i.severity?.name ?? i.severity?.format?.() ?? '').toUpperCase();
const rank = (i) => LEVELS.findIndex((l) => sev(i).includes(l));
const failing = out.issues.filter((i) => rank(i) >= failOn);
const hardErrors = out.errors.filter((e) => !e.tolerable);
if (values.json) {
  console.log(JSON.stringify({ checks: out.atomicChecks + out.globalChecks, issues: out.issues.map((i) => ({ id: i.id, severity: sev(i), confidence: i.confidence?.name, file: i.file, line: i.location?.line, manualReview: i.manualReview })), errors: out.errors }, null, 1));
} else {
  console.log(`electronegativity over ${values.dir}/ (Electron ${electronVersion ?? 'unknown'}): ${out.atomicChecks} atomic + ${out.globalChecks} global checks, ${out.issues.length} finding(s)`);
  for (const i of out.issues) console.log(`  ${sev(i).padEnd(13)} ${i.id}  ${i.file}:${i.location?.line}${i.manualReview ? '  (manual review)' : ''}`);
  for (const e of out.errors) console.log(`  parse ${e.tolerable ? 'warning' : 'ERROR'}: ${e.file}: ${e.message}`);
}
if (failing.length || hardErrors.length) {
  console.error(`✖ electronegativity: ${failing.length} finding(s) at or above ${LEVELS[failOn]}, ${hardErrors.length} file(s) not parsed`);
  process.exit(1);
}
if (!values.json) console.log(`✔ no findings at or above ${LEVELS[failOn]}`);
