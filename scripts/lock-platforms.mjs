#!/usr/bin/env node
// The npm registry mirror reachable here lacks rollup's prebuilt packages for other platforms, so
// `npm install` leaves them out of package-lock.json and `npm ci` then refuses the lock ("Missing:
// @rollup/rollup-android-arm-eabi@ from lock file"). This adds lock entries (version, os, cpu, optional)
// for every optional platform package of rollup that the lock lacks; `npm ci` skips them by platform.
// Run it after any `npm install` that rewrites the lock: `node scripts/lock-platforms.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

const file = join(ROOT, 'package-lock.json');
const lock = JSON.parse(readFileSync(file, 'utf8'));
const pkgs = lock.packages;
let added = 0;
for (const [key, entry] of Object.entries(pkgs)) {
  if (!/(^|\/)node_modules\/rollup$/.test(key)) continue;
  const base = key.slice(0, key.length - 'rollup'.length);
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const m = /^@rollup\/rollup-([a-z0-9]+)-([a-z0-9]+)(?:-([a-z]+))?$/.exec(name);
    if (!m || pkgs[base + name]) continue;
    const [, os, cpu, abi] = m;
    const e = { version, cpu: [cpu], license: 'MIT', optional: true, os: [os] };
    if (entry.dev) e.dev = true;
    if (os === 'linux' && abi) e.libc = [abi.includes('musl') ? 'musl' : 'glibc'];
    pkgs[base + name] = e;
    added++;
  }
}
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`lock-platforms: added ${added} platform entries`);
