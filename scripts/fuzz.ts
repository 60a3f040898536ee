/**
 * `npm run fuzz`: the long fuzz run of every parser (test/security/fuzz-targets.ts), each in its own
 * process, one after the other: 20,000 inputs per parser by default. Reports per parser the inputs,
 * accepted / rejected counts, crashes, hangs (a call over --call-ms three times in a row, or no progress
 * for --stall-s once started: the process is killed) and memory blow-ups (a call keeping over --mem-mib, or the process dying), writes
 * out/fuzz-report.json and exits 1 when anything was found.
 *
 *   npm run fuzz -- [--runs 20000] [--only png,idx.gz] [--seed 1] [--call-ms 1000] [--mem-mib 128] [--stall-s 60]
 */
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fuzzScratch, fuzzTargets } from '../test/security/fuzz-targets';

const { values } = parseArgs({ options: {
  runs: { type: 'string', default: '20000' }, only: { type: 'string' }, seed: { type: 'string', default: '1' },
  'call-ms': { type: 'string', default: '1000' }, 'mem-mib': { type: 'string', default: '128' }, 'stall-s': { type: 'string', default: '60' },
} });
const root = new URL('../', import.meta.url).pathname;
const scratch = fuzzScratch();
const names = fuzzTargets(scratch.dir).map((t) => t.name);
scratch.cleanup();
const only = values.only ? values.only.split(',') : null;
const unknown = only?.filter((n) => !names.includes(n)) ?? [];
if (unknown.length) { console.error(`--only: unknown parser(s) ${unknown.join(', ')}; parsers: ${names.join(', ')}`); process.exit(2); }

interface Finding { what: string; k: number; detail: string; input: string }
interface Row { parser: string; runs: number; accepted: number; rejected: number; crashes: number; hangs: number; memory: number; maxMs: number; maxMiB: number; seconds: number; findings: Finding[] }

function runOne(parser: string): Promise<Row> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const row: Row = { parser, runs: 0, accepted: 0, rejected: 0, crashes: 0, hangs: 0, memory: 0, maxMs: 0, maxMiB: 0, seconds: 0, findings: [] };
    const child = fork(join(root, 'scripts/fuzz-child.ts'), [parser, values.runs!, values.seed!, values['call-ms']!, values['mem-mib']!], {
      execArgv: ['--import', 'tsx', '--max-old-space-size=2048', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let lastK = -1;
    let done = false;
    let stalled = false;
    const stallMs = Number(values['stall-s']) * 1000;
    // starting the child (tsx, TensorFlow.js, fixtures) takes a while on a loaded machine: 5 minutes of grace
    let timer = setTimeout(() => { stalled = true; child.kill('SIGKILL'); }, Math.max(stallMs, 300_000));
    child.on('message', (m: { kind: string; k?: number; stats?: Omit<Row, 'parser' | 'findings' | 'seconds'> } & Partial<Finding>) => {
      clearTimeout(timer);
      timer = setTimeout(() => { stalled = true; child.kill('SIGKILL'); }, stallMs);
      if (m.kind === 'beat') lastK = m.k!;
      else if (m.kind === 'finding') { if (row.findings.length < 20) row.findings.push({ what: m.what!, k: m.k!, detail: m.detail!, input: m.input! }); }
      else if (m.kind === 'done') { Object.assign(row, m.stats); done = true; }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      row.seconds = (Date.now() - t0) / 1000;
      if (!done) {
        row.runs = Math.max(row.runs, lastK + 1);
        if (stalled) { row.hangs++; row.findings.push({ what: 'hang', k: lastK, detail: `no progress for ${values['stall-s']} s after input ${lastK}: killed`, input: '' }); }
        else { row.memory++; row.findings.push({ what: 'memory', k: lastK, detail: `process died (exit ${code}, signal ${signal}) after input ${lastK}: out of memory or a native crash`, input: '' }); }
      }
      resolve(row);
    });
  });
}

const rows: Row[] = [];
for (const p of names.filter((n) => !only || only.includes(n))) {
  process.stdout.write(`fuzzing ${p} ... `);
  const r = await runOne(p);
  rows.push(r);
  console.log(`${r.runs} inputs in ${r.seconds.toFixed(1)} s: ${r.crashes} crashes, ${r.hangs} hangs, ${r.memory} memory`);
  for (const f of r.findings.slice(0, 3)) console.log(`  ${f.what} at input ${f.k} (seed ${values.seed}): ${f.detail}\n    input: ${f.input}`);
}
const pad = (s: string | number, n: number): string => String(s).padStart(n);
console.log(`\n${'parser'.padEnd(14)} ${pad('inputs', 7)} ${pad('accepted', 8)} ${pad('rejected', 8)} ${pad('crashes', 7)} ${pad('hangs', 5)} ${pad('memory', 6)} ${pad('slowest ms', 10)} ${pad('max MiB', 7)}`);
for (const r of rows) {
  console.log(`${r.parser.padEnd(14)} ${pad(r.runs, 7)} ${pad(r.accepted, 8)} ${pad(r.rejected, 8)} ${pad(r.crashes, 7)} ${pad(r.hangs, 5)} ${pad(r.memory, 6)} ${pad(r.maxMs.toFixed(1), 10)} ${pad(r.maxMiB.toFixed(1), 7)}`);
}
mkdirSync(join(root, 'out'), { recursive: true });
writeFileSync(join(root, 'out/fuzz-report.json'), JSON.stringify({ date: new Date().toISOString(), runs: Number(values.runs), seed: Number(values.seed), rows }, null, 2) + '\n');
const bad = rows.reduce((n, r) => n + r.crashes + r.hangs + r.memory, 0);
console.log(`\n${bad === 0 ? 'no crashes, hangs or memory blow-ups' : `${bad} finding(s)`}; report in out/fuzz-report.json`);
process.exit(bad === 0 ? 0 : 1);
