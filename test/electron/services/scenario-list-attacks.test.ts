/**
 * Issue 17, web shell item 4: hostile user scenario folders. A FIFO must not freeze the service, a
 * 20 MB file (over the limits) must not be read or sent, a symlink to a file outside is not followed,
 * long names/descriptions are cut, 200 files of 1 MB are listed in pages with bounded memory while the
 * event loop keeps running, and `scenario.open` refuses the same files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { LIST_TEXT_CHARS, listAll, openScenario } from '../../../electron/services/scenario-files';
import { LIST_PAGE_MAX, ScenarioListRequest, ScenarioListResponse } from '../../../ipc/scenario-schemas';

const base = mkdtempSync(join(tmpdir(), 'fl-list-'));
const examples = join(base, 'examples');
const user = join(base, 'user');
const big = join(base, 'big');
const SECRET = 'secret-outside-the-scenarios-folder';

/** A scenario-like JSON document of about `bytes` bytes, with `name`. */
const doc = (name: string, bytes: number, description = 'd'): string =>
  JSON.stringify({ name, description, pad: 'x'.repeat(Math.max(0, bytes - name.length - description.length - 40)) });

beforeAll(() => {
  mkdirSync(examples);
  mkdirSync(user);
  mkdirSync(big);
  writeFileSync(join(examples, 'ex.json'), doc('Example', 100));
  writeFileSync(join(user, 'ok.json'), doc('Fine', 100));
  execFileSync('mkfifo', [join(user, 'fifo.json')]);
  // 20 MB (sparse: the size alone must make it refused, before any byte is read).
  writeFileSync(join(user, 'huge.json'), doc('Huge', 100));
  truncateSync(join(user, 'huge.json'), 20 << 20);
  writeFileSync(join(base, 'outside.json'), JSON.stringify({ name: SECRET, description: SECRET }));
  symlinkSync(join(base, 'outside.json'), join(user, 'link.json'));
  writeFileSync(join(user, 'long.json'), doc('N'.repeat(10_000), 30_000, 'L'.repeat(20_000)));
  mkdirSync(join(user, 'dir.json'));
  const pad = Buffer.alloc((1 << 20) - 64, 'x');
  for (let i = 0; i < 200; i++) {
    writeFileSync(join(big, `s${String(i).padStart(3, '0')}.json`), Buffer.concat([Buffer.from(`{"name":"S${i}","description":"d","pad":"`), pad, Buffer.from('"}')]));
  }
}, 120_000);
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('scenario.list on a hostile user folder', () => {
  it('lists only regular files without blocking on a FIFO or following a symlink, and never sends a huge file', async () => {
    const t0 = Date.now();
    const r = await listAll(examples, user);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(ScenarioListResponse.safeParse(r).success).toBe(true);
    const ids = r.items.map((i) => `${i.source}:${i.id}`);
    expect(ids).toEqual(['example:ex', 'user:huge', 'user:long', 'user:ok']);
    const huge = r.items.find((i) => i.id === 'huge')!;
    expect(huge.description).toMatch(/^unreadable: \d+ bytes, larger than the 1048576-byte limit$/);
    expect(JSON.stringify(r).length).toBeLessThan(10_000);
    expect(JSON.stringify(r)).not.toContain(SECRET);
    const long = r.items.find((i) => i.id === 'long')!;
    expect(long.name.length).toBe(LIST_TEXT_CHARS.name);
    expect(long.description.length).toBe(LIST_TEXT_CHARS.description);
    expect(long.description.endsWith('…')).toBe(true);
  });

  it('scenario.open refuses the FIFO, the symlink, a folder and the 20 MB file with a reason, at once', async () => {
    const t0 = Date.now();
    await expect(openScenario(examples, user, { source: 'user', id: 'fifo' })).rejects.toThrow(/not a regular file/);
    await expect(openScenario(examples, user, { source: 'user', id: 'link' })).rejects.toThrow(/symbolic link/);
    await expect(openScenario(examples, user, { source: 'user', id: 'dir' })).rejects.toThrow(/not a regular file/);
    await expect(openScenario(examples, user, { source: 'user', id: 'huge' })).rejects.toThrow(/larger than the 4194304-byte limit/);
    await expect(openScenario(examples, user, { source: 'user', id: 'nope' })).rejects.toThrow(/no user scenario "nope"/);
    expect((await openScenario(examples, user, { source: 'user', id: 'ok' })).text).toContain('Fine');
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('pages 200 files of 1 MB: bounded pages, all ids once, heap bounded, event loop responsive', async () => {
    const small = ScenarioListRequest.parse({ limit: 50 });
    const seen: string[] = [];
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const heap0 = process.memoryUsage().heapUsed;
    let peak = 0;
    let offset: number | null = 0;
    let pages = 0;
    while (offset !== null) {
      const r = await listAll(join(base, 'none'), big, { ...small, offset });
      expect(r.items.length).toBeLessThanOrEqual(50);
      expect(r.total).toBe(200);
      seen.push(...r.items.map((i) => i.name));
      peak = Math.max(peak, process.memoryUsage().heapUsed - heap0);
      offset = r.nextOffset;
      pages++;
    }
    delay.disable();
    expect(pages).toBe(4);
    expect(seen).toEqual(Array.from({ length: 200 }, (_, i) => `S${i}`));
    // 4 files of 1 MB in flight at once (+ their parse): far below the 1.1 GB seen before.
    expect(peak).toBeLessThan(256 << 20);
    // The event loop was never blocked for a whole second (it was for 7.7 s before).
    expect(delay.max / 1e6).toBeLessThan(1000);
  });

  it('refuses pages larger than LIST_PAGE_MAX in the contract', () => {
    expect(ScenarioListRequest.safeParse({ limit: LIST_PAGE_MAX + 1 }).success).toBe(false);
    expect(ScenarioListRequest.safeParse({ offset: -1 }).success).toBe(false);
    expect(ScenarioListRequest.parse({})).toEqual({ offset: 0, limit: LIST_PAGE_MAX });
  });
});
