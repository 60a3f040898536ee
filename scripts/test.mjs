#!/usr/bin/env node
// `npm test`: typecheck -> lint -> unit tests -> build -> e2e, stopping at the first failure.
// `node scripts/test.mjs --only lint,unit` runs a subset; `--list` prints the steps.
import { parseArgs } from 'node:util';
import { bin, run } from './lib.mjs';

const STEPS = [
  { name: 'typecheck', hint: 'npx tsc -b', cmds: [[bin('tsc'), ['-b']], [bin('svelte-check'), ['--tsconfig', 'renderer/tsconfig.json', '--fail-on-warnings']]] },
  { name: 'lint', hint: 'npx eslint .', cmds: [[bin('eslint'), ['.']]] },
  { name: 'electron-security', hint: 'node scripts/electronegativity.mjs', cmds: [[process.execPath, ['scripts/electronegativity.mjs']]] },
  { name: 'unit', hint: 'npx vitest run', cmds: [[bin('vitest'), ['run']]] },
  { name: 'build', hint: 'npm run build', cmds: [[bin('electron-vite'), ['build']]] },
  { name: 'e2e', hint: 'npm run test:e2e', cmds: [[process.execPath, ['scripts/e2e.mjs']]] },
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
      process.exit(status);
    }
  }
  console.log(`✔ ${step.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
console.log(`\n✔ all steps passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
