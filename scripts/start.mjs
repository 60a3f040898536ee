#!/usr/bin/env node
// `npm start`: build if needed, then open the Electron app if its binary is installed, else the web
// shell (prints its tokenised URL). `npm run web` (--web) forces the web shell.
// Options: --web, --port N (web shell), --no-open (web shell: don't launch a browser), --rebuild.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, build, buildIsStale, electronBinary } from './lib.mjs';

const { values } = parseArgs({
  options: {
    web: { type: 'boolean', default: false },
    port: { type: 'string', default: '0' },
    'no-open': { type: 'boolean', default: false },
    rebuild: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('usage: npm start -- [--web] [--port N] [--no-open] [--rebuild]');
  process.exit(0);
}

if (values.rebuild) build();
else if (buildIsStale()) {
  console.log('npm start: out/ is missing or older than the sources, building first.');
  build();
} else console.log('npm start: build is up to date (out/)');

const electron = values.web ? null : electronBinary();
let child;
if (electron) {
  console.log(`starting Electron (${electron})`);
  child = spawn(electron, [ROOT], { cwd: ROOT, stdio: 'inherit' });
} else {
  if (!values.web) console.log('npm start: Electron binary not installed, starting the web shell instead (it prints the URL to open).');
  else console.log('npm start: starting the web shell (it prints the URL to open).');
  const args = [join(ROOT, 'out/main/webshell.js'), '--port', values.port];
  if (values['no-open']) args.push('--no-open');
  child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
