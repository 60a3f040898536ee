/**
 * The built web shell as users start it (`node out/main/webshell.js`, what `npm run web` runs): it prints
 * a 127.0.0.1 URL with the token in its fragment, serves the built page with the real version, models
 * and scenarios (paths resolved from the bundle's location), and refuses the services without the token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { listModels } from '../../models/registry';
import { listScenarios } from '../../scenarios/io/catalog';
import { launchChromium } from './browser';

const root = fileURLToPath(new URL('../..', import.meta.url));
let child: ChildProcess;
let url = '';
let browser: Browser;

beforeAll(async () => {
  child = spawn(process.execPath, [join(root, 'out/main/webshell.js'), '--no-open'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  url = await new Promise<string>((ok, ko) => {
    const timer = setTimeout(() => ko(new Error(`no URL printed within 20 s; output: ${out}`)), 20_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /Open: (http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => ko(new Error(`webshell exited with ${code}: ${out}`)));
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  child?.kill('SIGTERM');
});

describe('node out/main/webshell.js', () => {
  it('prints a 127.0.0.1 URL with the token in its fragment; the services refuse a socket without it', async () => {
    const u = new URL(url);
    expect(u.hostname).toBe('127.0.0.1');
    const token = new URLSearchParams(u.hash.slice(1)).get('token');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const page = await browser.newPage();
    await page.goto(`${u.origin}/`);
    // Runs in the page (the Node typings have no DOM, hence the string).
    const tryToken = (t: string) =>
      page.evaluate(`new Promise((ok) => {
        const ws = new WebSocket('ws://' + location.host + '/ws', ['faultline.v1', 'faultline.token.${t}']);
        ws.onopen = () => ok('open');
        ws.onerror = () => ok('refused');
      })`);
    expect(await tryToken('wrong')).toBe('refused');
    expect(await tryToken(token!)).toBe('open');
    await page.close();
  });

  it('serves the real data from the bundle', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    await expect.poll(() => page.locator('[data-testid=app-version]').textContent()).toBe(version);
    await expect.poll(() => page.locator('[data-testid=models] tbody tr').count()).toBe(listModels().length);
    await page.locator('a[data-view=scenarios]').click();
    const scenarios = listScenarios();
    if (scenarios.length > 0) {
      await expect.poll(() => page.locator('[data-testid=scenarios] tbody tr').count()).toBe(scenarios.length);
      expect(await page.locator('[data-testid=scenarios] tbody tr td').first().textContent()).toBe(scenarios[0].id);
    } else {
      await expect.poll(() => page.locator('[data-testid=no-scenarios]').count()).toBe(1);
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
