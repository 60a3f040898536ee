#!/usr/bin/env node
// `npm run test:e2e`: end-to-end tests (Vitest + playwright-core) driving Debian Chromium against the
// built app exactly as `npm start` serves it (test/e2e/built-app.ts spawns out/main/webshell.js).
// Builds first if the build is missing or stale.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, bin, build, buildIsStale, run } from './lib.mjs';

const chromium = process.env.FAULTLINE_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`e2e: Chromium not found at ${chromium}. Install it (Debian: apt-get install -y chromium) or set FAULTLINE_CHROMIUM.`);
  process.exit(1);
}
if (buildIsStale()) build();
process.exit(run(bin('vitest'), ['run', '--config', join(ROOT, 'test/e2e/vitest.config.ts'), ...process.argv.slice(2)]));
