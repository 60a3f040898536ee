#!/usr/bin/env node
// `npm test`: typecheck -> lint -> unit tests -> build -> e2e, stopping at the first failure.
// `node scripts/test.mjs --only lint,unit` runs a subset; `--list` prints the steps.
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, bin, run } from './lib.mjs';

/** Vitest JSON reports of the unit and e2e steps, read for the closing "N passed, N failed" line. */
const REPORT_DIR = join(ROOT, 'out', 'test-reports');
const report = (name) => join(REPORT_DIR, `${name}.json`);
const reporterArgs = (name) => ['--reporter=default', '--reporter=json', `--outputFile.json=${report(name)}`];

const STEPS = [
  { name: 'typecheck', hint: 'npx tsc -b', cmds: [[bin('tsc'), ['-b']], [bin('svelte-check'), ['--tsconfig', 'renderer/tsconfig.json', '--fail-on-warnings']]] },
  { name: 'lint', hint: 'npx eslint .', cmds: [[bin('eslint'), ['.']]] },
  { name: 'electron-security', hint: 'node scripts/electronegativity.mjs', cmds: [[process.execPath, ['scripts/electronegativity.mjs']]] },
  { name: 'unit', hint: 'npx vitest run', cmds: [[bin('vitest'), ['run', ...reporterArgs('unit')]]] },
  { name: 'build', hint: 'npm run build', cmds: [[bin('electron-vite'), ['build']]] },
  { name: 'e2e', hint: 'npm run test:e2e', cmds: [[process.execPath, ['scripts/e2e.mjs', ...reporterArgs('e2e')]]] },
];

const { values } = parseArgs({ options: { only: { type: 'string' }, list: { type: 'boolean', default: false } } });
if (values.list) {
  for (const s of STEPS) console.log(`${s.name}\t${s.hint}`);
  process.exit(0);
}
const only = values.only ? new Set(values.only.split(',')) : null;
const unknown = only ? [...only].filter((n) => !STEPS.some((s) => s.name === n)) : [];
if (unknown.length) {
  console.error(`--only: unknown step(s) ${unknown.join(', ')}; steps are ${STEPS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

/** Prints the test totals of the Vitest steps that ran, as one plain `tests: N passed, N failed` line. */
function printTotals() {
  let passed = 0;
  let failed = 0;
  for (const name of ['unit', 'e2e']) {
    if (!existsSync(report(name))) continue;
    const r = JSON.parse(readFileSync(report(name), 'utf8'));
    passed += r.numPassedTests ?? 0;
    failed += (r.numFailedTests ?? 0) + (r.numRuntimeErrorTestSuites ?? 0);
  }
  console.log(`\ntests: ${passed} passed, ${failed} failed`);
}

rmSync(REPORT_DIR, { recursive: true, force: true });
mkdirSync(REPORT_DIR, { recursive: true });
const started = Date.now();
for (const step of STEPS) {
  if (only && !only.has(step.name)) continue;
  console.log(`\n=== ${step.name} ===`);
  const t0 = Date.now();
  for (const [cmd, args] of step.cmds) {
    const status = run(cmd, args);
    if (status !== 0) {
      console.error(`\n✖ npm test stopped: step "${step.name}" failed (exit ${status}) in \`${[cmd.split('/').pop(), ...args].join(' ')}\`.`);
      console.error(`  Fix the errors above; re-run just this step with \`${step.hint}\`.`);
      printTotals();
      process.exit(status);
    }
  }
  console.log(`✔ ${step.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
printTotals();
console.log(`\n✔ all steps passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
