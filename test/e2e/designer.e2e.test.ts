/**
 * Scenario designer against the built app: edge labels readable (not under the nodes), an invalid
 * file shows every problem with the graph cleared and Save off (no page errors), keyboard selection
 * edits the selected state, undo / redo (buttons and Ctrl+Z / Ctrl+Shift+Z), Backspace undoable,
 * actions listed inside their state, the JSON panel in sync both ways, double-click to add and
 * rename, new states placed in view; compound and parallel states drawn as containers with their
 * child states inside (ELK hierarchical layout), child states added / renamed / deleted / made parallel
 * from the GUI with undo and the JSON panel nested; a transition deleted by clicking its label.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openSession, shootBoth, type Session } from './helpers';
import { SHOTS } from './built-app';

let s: Session;
let page: Page;

beforeAll(async () => {
  s = await openSession();
  page = s.page;
  page.on('dialog', (d) => void d.accept());
});
afterAll(async () => s?.close());

const BROKEN = {
  name: 'Broken', description: 'An invalid scenario with several problems in it, for the designer test to show every one.', version: 1,
  machine: {
    id: 'broken', initial: 'nowhere',
    states: {
      idle: { after: { '-5': 'gone' }, on: { NOT_AN_EVENT: 'idle' } },
      hit: { entry: [{ type: 'injectFault', params: { target: 'pe.bogus', kind: 'stuckAt7', location: { kind: 'pe', row: 99, col: -1 }, bits: [40] } }] },
    },
  },
};

const NESTED = {
  name: 'Nested', description: 'A compound burst state and a parallel recovery state, for the designer test.', version: 1, seed: 0,
  machine: {
    id: 'nested', initial: 'idle',
    states: {
      idle: { after: { '1000': 'burst' } },
      burst: {
        initial: 'hit',
        states: {
          hit: { entry: [{ type: 'injectFault', params: { target: 'weightSram', kind: 'seu', location: { kind: 'random' }, bits: [3] } }], after: { '500': 'calm' } },
          calm: { on: { INFERENCE_END: '#nested.both' } },
        },
      },
      both: {
        type: 'parallel',
        states: {
          sram: { initial: 'waiting', states: { waiting: { after: { '2000': 'scrubbed' } }, scrubbed: { entry: [{ type: 'scrub', params: { target: 'all' } }] } } },
          pe: { initial: 'watch', states: { watch: {} } },
        },
      },
    },
  },
};

/** One transition into both regions of a parallel state (a list of targets) and a guarded list of two candidates. */
const MULTI = {
  name: 'Multi', description: 'A transition with a list of targets and a guarded list, for the designer test.', version: 1, seed: 0,
  machine: {
    id: 'm', initial: 'idle',
    states: {
      idle: {
        after: { '1000': { target: ['#m.both.sram.hit', '#m.both.pe.hit'] } },
        on: { INFERENCE_END: [{ target: 'spare', guard: { type: 'inferenceIs', params: { n: 2 } } }, { target: 'both' }] },
      },
      spare: {},
      both: { type: 'parallel', states: { sram: { initial: 'wait', states: { wait: {}, hit: {} } }, pe: { initial: 'wait', states: { wait: {}, hit: {} } } } },
    },
  },
};

const nodeCount = (): Promise<number> => page.locator('.svelte-flow__node').count();
/** The graph's zoom (the scale of Svelte Flow's viewport transform). */
const zoom = async (): Promise<number> => Number(/scale\(([\d.]+)\)/.exec((await page.locator('.svelte-flow__viewport').getAttribute('style')) ?? '')?.[1] ?? NaN);
const edgeCount = (): Promise<number> => page.locator('.svelte-flow__edge').count();
const formState = async (): Promise<string> => (await page.locator('[data-testid=state-form] h3 .mono').textContent()) ?? '';

async function freshDesign(): Promise<void> {
  await page.locator('[data-testid=new]').click();
  await expect.poll(nodeCount).toBe(1);
}

describe('scenario designer', () => {
  it('edge labels are whole and not under the nodes ("after 50000")', async () => {
    await page.locator('a[data-view=scenarios]').click();
    await freshDesign();
    await page.locator('[data-testid=add-state]').click();
    await page.locator('.svelte-flow__node[data-id=idle]').click();
    await page.locator('[data-testid=add-transition]').click();
    await page.locator('[data-testid=delay]').fill('50000');
    await page.locator('[data-testid=delay]').press('Tab');
    await page.locator('[data-testid=auto-layout]').click();
    const label = page.locator('.svelte-flow__edge-label').first();
    await expect.poll(() => label.textContent()).toBe('after 50000');
    await page.waitForTimeout(300);
    const lb = (await label.boundingBox())!;
    for (const n of await page.locator('.svelte-flow__node').all()) {
      const nb = (await n.boundingBox())!;
      const overlap = lb.x < nb.x + nb.width && nb.x < lb.x + lb.width && lb.y < nb.y + nb.height && nb.y < lb.y + lb.height;
      expect(overlap).toBe(false);
    }
    // The label's first and last characters are what the pointer finds there (nothing covers them).
    for (const x of [lb.x + 3, lb.x + lb.width - 3]) {
      const hit = await page.evaluate(`document.elementFromPoint(${x}, ${lb.y + lb.height / 2})?.closest('.svelte-flow__edge-label') !== null`);
      expect(hit).toBe(true);
    }
    await shootBoth(page, 'designer-labels');
  });

  it('keyboard selection edits the selected state; undo / redo; Backspace on a transition is undoable', async () => {
    await page.locator('.svelte-flow__node[data-id=idle]').click();
    expect(await formState()).toBe('idle');
    // Select the other state with the keyboard only.
    await page.locator('.svelte-flow__node[data-id=state]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(formState).toBe('state');
    await page.locator('[data-testid=state-name]').fill('hit');
    await page.locator('[data-testid=rename]').click();
    await expect.poll(() => page.locator('.svelte-flow__node[data-id=hit]').count()).toBe(1);
    expect(await page.locator('.svelte-flow__node[data-id=idle]').count()).toBe(1);
    // Undo the rename (button), redo it (keyboard).
    await page.locator('[data-testid=undo]').click();
    await expect.poll(() => page.locator('.svelte-flow__node[data-id=state]').count()).toBe(1);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+Shift+Z');
    await expect.poll(() => page.locator('.svelte-flow__node[data-id=hit]').count()).toBe(1);
    // Backspace removes the transition selected with the keyboard; Ctrl+Z brings it back.
    expect(await edgeCount()).toBe(1);
    await page.locator('.svelte-flow__edge').first().focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Backspace');
    await expect.poll(edgeCount).toBe(0);
    await page.keyboard.press('Control+Z');
    await expect.poll(edgeCount).toBe(1);
    expect(await page.locator('.svelte-flow__edge-label').first().textContent()).toBe('after 50000');
  });

  it('actions are listed inside their state; the JSON panel follows the graph and the graph follows the JSON', async () => {
    await page.locator('.svelte-flow__node[data-id=hit]').click();
    await page.locator('[data-testid=add-fault]').click();
    await expect.poll(() => page.locator('.svelte-flow__node[data-id=hit] [data-testid=node-actions] li').allTextContents())
      .toEqual(['inject stuckAt1 pe.psum @ PE (0, 0) b30']);
    const code = page.locator('[data-testid=code]');
    const doc = JSON.parse(await code.inputValue()) as { machine: { states: Record<string, { entry?: unknown[] }> } };
    expect(doc.machine.states['hit']!.entry).toHaveLength(1);
    // Edit the JSON: add a scrub to hit and a new state; the graph shows both.
    doc.machine.states['hit']!.entry!.push({ type: 'scrub', params: { target: 'all' } });
    (doc.machine.states as Record<string, unknown>)['later'] = { type: 'final' };
    await code.fill(JSON.stringify(doc, null, 2));
    await expect.poll(() => page.locator('.svelte-flow__node[data-id=later]').count()).toBe(1);
    expect(await page.locator('.svelte-flow__node[data-id=hit] [data-testid=node-actions] li').allTextContents()).toEqual(['inject stuckAt1 pe.psum @ PE (0, 0) b30', 'scrub all']);
    // Broken JSON: the graph is cleared and says why; fixing it brings it back.
    await code.fill('{ "name": ');
    await expect.poll(() => page.locator('[data-testid=graph-broken]').textContent()).toMatch(/^JSON: /);
    expect(await page.locator('[data-testid=save]').isDisabled()).toBe(true);
    await code.fill(JSON.stringify(doc, null, 2));
    await expect.poll(nodeCount).toBe(3);
    expect(await page.locator('[data-testid=save]').isDisabled()).toBe(false);
  });

  it('guards, every action kind and PE row/column fields, all shown in the graph', async () => {
    await page.locator('.svelte-flow__node[data-id=idle]').click();
    // Guards go on simulator events ("after" delays take none): INFERENCE_START if inferenceIs n=2.
    expect(await page.locator('[data-testid=guard]').count()).toBe(0);
    await page.locator('[data-testid=state-form] select[aria-label=Trigger]').first().selectOption('INFERENCE_START');
    await page.locator('[data-testid=guard]').first().selectOption('inferenceIs');
    await expect.poll(() => page.locator('.svelte-flow__edge-label').first().textContent()).toBe('INFERENCE_START [inferenceIs n=1]');
    await page.locator('[data-testid=guard-value]').first().fill('2');
    await page.locator('[data-testid=guard-value]').first().press('Tab');
    await expect.poll(() => page.locator('.svelte-flow__edge-label').first().textContent()).toBe('INFERENCE_START [inferenceIs n=2]');
    await page.locator('.svelte-flow__node[data-id=hit]').click();
    await page.locator('[data-testid=pe-row]').first().fill('3');
    await page.locator('[data-testid=pe-row]').first().press('Tab');
    await page.locator('[data-testid=pe-col]').first().fill('5');
    await page.locator('[data-testid=pe-col]').first().press('Tab');
    await page.locator('[data-testid=fault-id]').first().fill('psum35');
    await page.locator('[data-testid=fault-id]').first().press('Tab');
    for (const k of ['add-stuck', 'add-rate', 'add-stop-rate', 'add-repair', 'add-clear']) await page.locator(`[data-testid=${k}]`).click();
    await expect.poll(() => page.locator('.svelte-flow__node[data-id=hit] [data-testid=node-actions] li').allTextContents()).toEqual([
      'inject stuckAt1 pe.psum @ PE (3, 5) b30', 'scrub all', 'stuck-at-1 pe.psum @ PE (0, 0) b30', 'start rate weightSram BER 0.00001 (count)',
      'stop rate all', 'repair psum35', 'clear all faults',
    ]);
    const doc = JSON.parse(await page.locator('[data-testid=code]').inputValue()) as { machine: { states: Record<string, { on?: Record<string, unknown> }> } };
    expect(doc.machine.states['idle']!.on!['INFERENCE_START']).toEqual({ target: 'hit', guard: { type: 'inferenceIs', params: { n: 2 } } });
    // The guard and every action are valid: the only problems left are the unreachable states.
    await expect.poll(async () => (await page.locator('[data-testid=validation] li').allTextContents()).every((t) => /is unreachable/.test(t)), { timeout: 10_000 }).toBe(true);
    // The label stays readable above the (now taller and wider) node it points at.
    const lb = (await page.locator('.svelte-flow__edge-label').first().boundingBox())!;
    for (const x of [lb.x + 3, lb.x + lb.width - 3]) {
      expect(await page.evaluate(`document.elementFromPoint(${x}, ${lb.y + lb.height / 2})?.closest('.svelte-flow__edge-label') !== null`)).toBe(true);
    }
    await shootBoth(page, 'designer-actions');
  });

  it('double-click on the pane adds a state there (in view), on a state renames it; auto-layout re-centres', async () => {
    await page.waitForTimeout(300); // the view re-fits after the screenshots' window resize back to 1440 px
    const pane = (await page.locator('.svelte-flow__pane').boundingBox())!;
    const before = await nodeCount();
    await page.mouse.dblclick(pane.x + pane.width * 0.3, pane.y + pane.height * 0.8);
    await expect.poll(nodeCount).toBe(before + 1);
    const added = page.locator('.svelte-flow__node[data-id=state]');
    const ab = (await added.boundingBox())!;
    expect(ab.x).toBeGreaterThanOrEqual(pane.x);
    expect(ab.y + ab.height).toBeLessThanOrEqual(pane.y + pane.height + 1);
    expect(Math.abs(ab.x + ab.width / 2 - (pane.x + pane.width * 0.3))).toBeLessThan(40);
    // The + state button puts the next one in view too.
    await page.locator('[data-testid=add-state]').click();
    const b2 = (await page.locator('.svelte-flow__node[data-id=state2]').boundingBox())!;
    expect(b2.x).toBeGreaterThanOrEqual(pane.x);
    expect(b2.x + b2.width).toBeLessThanOrEqual(pane.x + pane.width + 1);
    expect(b2.y).toBeGreaterThanOrEqual(pane.y);
    expect(b2.y + b2.height).toBeLessThanOrEqual(pane.y + pane.height + 1);
    await added.dblclick();
    await expect.poll(() => page.evaluate("document.activeElement?.getAttribute('data-testid')")).toBe('state-name');
    await page.keyboard.type('spare');
    await page.locator('[data-testid=rename]').click();
    await expect.poll(() => page.locator('.svelte-flow__node[data-id=spare]').count()).toBe(1);
    // Auto-layout: at a legible zoom (>= 0.8) with the initial state in view; the fit-view control
    // then shows every state inside the pane.
    await page.locator('[data-testid=auto-layout]').click();
    await page.waitForTimeout(400);
    expect(await zoom()).toBeGreaterThanOrEqual(0.8);
    const ib = (await page.locator('.svelte-flow__node[data-id=idle]').boundingBox())!;
    expect(ib.x >= pane.x - 1 && ib.x + ib.width <= pane.x + pane.width + 1 && ib.y >= pane.y - 1 && ib.y + ib.height <= pane.y + pane.height + 1).toBe(true);
    await page.locator('.svelte-flow__controls-fitview').click();
    await page.waitForTimeout(300);
    for (const n of await page.locator('.svelte-flow__node').all()) {
      const b = (await n.boundingBox())!;
      expect(b.x).toBeGreaterThanOrEqual(pane.x - 1);
      expect(b.x + b.width).toBeLessThanOrEqual(pane.x + pane.width + 1);
    }
    await shootBoth(page, 'designer-graph');
  });

  it('an invalid file: every problem listed, the graph cleared, Save disabled, no page errors', async () => {
    const dir = join(s.app.userDir, 'scenarios');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'broken.json');
    const text = `${JSON.stringify(BROKEN, null, 2)}\n`;
    writeFileSync(file, text);
    // Reload the view so the file list includes it.
    await page.locator('a[data-view=accelerator]').click();
    await page.locator('a[data-view=scenarios]').click();
    await expect.poll(() => page.locator('[data-testid=open-pick] option[value="user:broken"]').count()).toBe(1);
    expect(await nodeCount()).toBeGreaterThan(1); // the previous design is on screen
    await page.locator('[data-testid=open-pick]').selectOption('user:broken');
    await page.locator('[data-testid=open]').click();
    await expect.poll(() => page.locator('[data-testid=graph-broken]').textContent()).toMatch(/broken\.json is not a valid scenario \(9 problems\)/);
    expect(await nodeCount()).toBe(0);
    const items = page.locator('[data-testid=validation] li');
    await expect.poll(() => items.count()).toBe(9);
    const all = (await items.allTextContents()).join('\n');
    for (const bit of ['machine.initial', 'NOT_AN_EVENT', '"-5"', 'missing state "gone"', 'pe.bogus', 'stuckAt7', 'location.col']) expect(all).toContain(bit);
    expect(await page.locator('[data-testid=save]').isDisabled()).toBe(true);
    expect(await page.locator('[data-testid=run-designer]').isDisabled()).toBe(true);
    expect(await page.locator('[data-testid=code]').inputValue()).toBe(text);
    await shootBoth(page, 'designer-invalid');
    // The file on disk is untouched.
    expect(existsSync(file) && readFileSync(file, 'utf8')).toBe(text);
    expect(s.problems).toEqual([]);
  });

  it('compound and parallel states are containers with their child states drawn inside; labels readable', async () => {
    const dir = join(s.app.userDir, 'scenarios');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'nested.json'), `${JSON.stringify(NESTED, null, 2)}\n`);
    await page.locator('a[data-view=accelerator]').click();
    await page.locator('a[data-view=scenarios]').click();
    await expect.poll(() => page.locator('[data-testid=open-pick] option[value="user:nested"]').count()).toBe(1);
    await page.locator('[data-testid=open-pick]').selectOption('user:nested');
    await page.locator('[data-testid=open]').click();
    const paths = ['idle', 'burst', 'burst.hit', 'burst.calm', 'both', 'both.sram', 'both.sram.waiting', 'both.sram.scrubbed', 'both.pe', 'both.pe.watch'];
    await expect.poll(nodeCount).toBe(paths.length);
    await page.waitForTimeout(400);
    // The fitted view keeps the text legible: zoom >= 0.8 (fitting this wide graph whole would take
    // about 0.5), the view starts at the initial state (in the pane) and the pane is filled with graph.
    const pane0 = (await page.locator('.svelte-flow__pane').boundingBox())!;
    expect(await zoom()).toBeGreaterThanOrEqual(0.8);
    const idle0 = (await page.locator('.svelte-flow__node[data-id=idle]').boundingBox())!;
    expect(idle0.x >= pane0.x && idle0.x + idle0.width <= pane0.x + pane0.width && idle0.y >= pane0.y && idle0.y + idle0.height <= pane0.y + pane0.height).toBe(true);
    expect(idle0.x - pane0.x).toBeLessThan(pane0.width * 0.15);
    expect((await page.locator('.svelte-flow__node[data-id=idle] .name').boundingBox())!.height).toBeGreaterThanOrEqual(11);
    await page.locator('[data-testid=graph]').screenshot({ path: join(SHOTS, 'designer-nested-legible.png') });
    // The whole graph: the fit-view control (any zoom).
    await page.locator('.svelte-flow__controls-fitview').click();
    await page.waitForTimeout(300);
    expect(await zoom()).toBeLessThan(0.8);
    // Containers: burst (compound), both (parallel) and its two regions (dashed).
    expect(await page.locator('[data-testid=compound-node]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-state')}:${e.getAttribute('data-kind')}`)))
      .toEqual(['burst:compound', 'both:parallel', 'both.sram:compound', 'both.pe:compound']);
    expect(await page.locator('.svelte-flow__node.is-region').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).toEqual(['both.sram', 'both.pe']);
    // Every nested state's box lies inside its container's box; siblings do not overlap.
    const box = async (id: string) => (await page.locator(`.svelte-flow__node[data-id="${id}"]`).boundingBox())!;
    for (const p of paths.filter((x) => x.includes('.'))) {
      const c = await box(p);
      const par = await box(p.slice(0, p.lastIndexOf('.')));
      expect(c.x).toBeGreaterThanOrEqual(par.x);
      expect(c.y).toBeGreaterThan(par.y + 10); // below the container's header
      expect(c.x + c.width).toBeLessThanOrEqual(par.x + par.width + 0.5);
      expect(c.y + c.height).toBeLessThanOrEqual(par.y + par.height + 0.5);
    }
    const [a, b] = [await box('both.sram'), await box('both.pe')];
    expect(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(true);
    // The initial child is marked; regions of a parallel state are not (they all start).
    expect(await page.locator('.svelte-flow__node[data-id="burst.hit"] .init').count()).toBe(1);
    expect(await page.locator('.svelte-flow__node[data-id="burst.calm"] .init').count()).toBe(0);
    expect(await page.locator('.svelte-flow__node[data-id="both.sram"] .init').count()).toBe(0);
    expect(await page.locator('.svelte-flow__node[data-id="both.sram.waiting"] .init').count()).toBe(1);
    // Edges between children and across levels, each label whole and on top.
    const labels = page.locator('.svelte-flow__edge-label');
    expect((await labels.allTextContents()).sort()).toEqual(['INFERENCE_END', 'after 1000', 'after 2000', 'after 500']);
    for (const l of await labels.all()) {
      const lb = (await l.boundingBox())!;
      for (const x of [lb.x + 3, lb.x + lb.width - 3]) {
        expect(await page.evaluate(`document.elementFromPoint(${x}, ${lb.y + lb.height / 2})?.closest('.svelte-flow__edge-label') !== null`)).toBe(true);
      }
    }
    expect(await page.locator('[data-testid=valid]').count()).toBe(1);
    await shootBoth(page, 'designer-nested');
    // Close-up of the graph (zoomed in twice) to look at the containers' text.
    await page.setViewportSize({ width: 1440, height: 900 });
    for (let i = 0; i < 2; i++) await page.locator('.svelte-flow__controls-zoomin').click();
    await page.locator('[data-testid=graph]').screenshot({ path: join(SHOTS, 'designer-nested-zoom.png') });
    await page.locator('.svelte-flow__controls-fitview').click();
  });

  it('adds, renames and deletes a child state from the GUI, makes a state parallel; the JSON panel nests them; undo / redo', async () => {
    const json = async () => JSON.parse(await page.locator('[data-testid=code]').inputValue()) as { machine: { states: Record<string, { type?: string; initial?: string; states?: Record<string, unknown> }> } };
    const kids = async (p: string) => Object.keys((await json()).machine.states[p]?.states ?? {});
    await page.locator('.svelte-flow__node[data-id=burst] [data-testid=compound-head]').click();
    await expect.poll(formState).toBe('burst');
    await page.locator('[data-testid=add-child]').click();
    await expect.poll(() => page.locator('.svelte-flow__node[data-id="burst.state"]').count()).toBe(1);
    await expect.poll(() => kids('burst')).toEqual(['hit', 'calm', 'state']);
    await page.waitForTimeout(300);
    const c = (await page.locator('.svelte-flow__node[data-id="burst.state"]').boundingBox())!;
    const par = (await page.locator('.svelte-flow__node[data-id=burst]').boundingBox())!;
    expect(c.x >= par.x && c.y >= par.y && c.x + c.width <= par.x + par.width + 0.5 && c.y + c.height <= par.y + par.height + 0.5).toBe(true);
    // Undo removes it from the graph and the JSON; redo brings it back.
    await page.locator('[data-testid=undo]').click();
    await expect.poll(() => kids('burst')).toEqual(['hit', 'calm']);
    expect(await page.locator('.svelte-flow__node[data-id="burst.state"]').count()).toBe(0);
    await page.locator('[data-testid=redo]').click();
    await expect.poll(() => kids('burst')).toEqual(['hit', 'calm', 'state']);
    // Rename the child (form): key renamed in place.
    await page.locator('.svelte-flow__node[data-id="burst.state"]').click();
    await expect.poll(formState).toBe('burst.state');
    await page.locator('[data-testid=state-name]').fill('spare');
    await page.locator('[data-testid=rename]').click();
    await expect.poll(() => kids('burst')).toEqual(['hit', 'calm', 'spare']);
    expect(await page.locator('.svelte-flow__node[data-id="burst.spare"]').count()).toBe(1);
    // Delete it with the keyboard; Ctrl+Z restores it.
    await page.locator('.svelte-flow__node[data-id="burst.spare"]').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => kids('burst')).toEqual(['hit', 'calm']);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+Z');
    await expect.poll(() => kids('burst')).toEqual(['hit', 'calm', 'spare']);
    // Double-click inside the container's body adds a child there.
    await page.waitForTimeout(300);
    const pb = (await page.locator('.svelte-flow__node[data-id=burst]').boundingBox())!;
    const spare = (await page.locator('.svelte-flow__node[data-id="burst.spare"]').boundingBox())!;
    await page.mouse.dblclick(pb.x + pb.width / 2, Math.min(pb.y + pb.height - 6, spare.y + spare.height + 8));
    await expect.poll(() => kids('burst')).toEqual(['hit', 'calm', 'spare', 'state']);
    // Make the simple state idle parallel: two regions with a state each, drawn inside it.
    await page.locator('.svelte-flow__node[data-id=idle]').click();
    await page.locator('[data-testid=state-kind]').selectOption('parallel');
    await expect.poll(async () => (await json()).machine.states['idle']?.type).toBe('parallel');
    expect(await kids('idle')).toEqual(['region1', 'region2']);
    await expect.poll(() => page.locator('.svelte-flow__node[data-id=idle][class*=is-parallel]').count()).toBe(1);
    await page.waitForTimeout(400);
    const ib = (await page.locator('.svelte-flow__node[data-id=idle]').boundingBox())!;
    for (const r of ['idle.region1', 'idle.region2', 'idle.region1.idle']) {
      const rb = (await page.locator(`.svelte-flow__node[data-id="${r}"]`).boundingBox())!;
      expect(rb.x >= ib.x && rb.y >= ib.y && rb.x + rb.width <= ib.x + ib.width + 0.5 && rb.y + rb.height <= ib.y + ib.height + 0.5).toBe(true);
    }
    await shootBoth(page, 'designer-nested-edit');
    await page.locator('[data-testid=undo]').click();
    await expect.poll(async () => (await json()).machine.states['idle']?.type).toBeUndefined();
    await expect.poll(() => page.locator('.svelte-flow__node[data-id="idle.region1"]').count()).toBe(0);
    // JSON to graph: a state added inside the pe region in the code panel is drawn inside that region.
    const doc = await json();
    (doc.machine.states['both']!.states!['pe'] as { states: Record<string, unknown> }).states['alarm'] = { type: 'final' };
    await page.locator('[data-testid=code]').fill(JSON.stringify(doc, null, 2));
    await expect.poll(() => page.locator('.svelte-flow__node[data-id="both.pe.alarm"]').count()).toBe(1);
    await page.waitForTimeout(300);
    const al = (await page.locator('.svelte-flow__node[data-id="both.pe.alarm"]').boundingBox())!;
    const pe = (await page.locator('.svelte-flow__node[data-id="both.pe"]').boundingBox())!;
    expect(al.x >= pe.x && al.y >= pe.y && al.x + al.width <= pe.x + pe.width + 0.5 && al.y + al.height <= pe.y + pe.height + 0.5).toBe(true);
  });

  it('a transition is deleted by clicking its label (button or Delete key); undo brings it back', async () => {
    const afters = async () => (JSON.parse(await page.locator('[data-testid=code]').inputValue()) as { machine: { states: { burst: { states: { hit: { after?: unknown } } } } } }).machine.states.burst.states.hit.after;
    const label = page.locator('.svelte-flow__edge-label', { hasText: 'after 500' });
    await label.click();
    const del = page.locator('[data-testid=delete-transition]');
    await expect.poll(() => del.textContent()).toContain('burst.hit → burst.calm');
    await del.click();
    await expect.poll(() => label.count()).toBe(0);
    expect(await afters()).toBeUndefined();
    expect(await del.count()).toBe(0);
    await page.locator('[data-testid=undo]').click();
    await expect.poll(() => label.count()).toBe(1);
    expect(await afters()).toEqual({ 500: 'calm' });
    // The Delete key removes the transition whose label was clicked; Ctrl+Z restores it.
    await label.click();
    await expect.poll(() => del.count()).toBe(1);
    await page.keyboard.press('Delete');
    await expect.poll(() => label.count()).toBe(0);
    await page.keyboard.press('Control+Z');
    await expect.poll(() => label.count()).toBe(1);
    expect(await afters()).toEqual({ 500: 'calm' });
    expect(s.problems).toEqual([]);
  });

  it('dragging a state out of its container moves it to the top level, dropping it inside a container nests it; undo', async () => {
    const json = async () => JSON.parse(await page.locator('[data-testid=code]').inputValue()) as { machine: { states: Record<string, { states?: Record<string, unknown> }> } };
    const drag = async (id: string, to: { x: number; y: number }) => {
      const b = (await page.locator(`.svelte-flow__node[data-id="${id}"]`).boundingBox())!;
      await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
      await page.mouse.down();
      await page.mouse.move(to.x, to.y, { steps: 12 });
      await page.mouse.up();
    };
    await page.locator('.svelte-flow__controls-fitview').click();
    await page.waitForTimeout(300);
    const pane = (await page.locator('.svelte-flow__pane').boundingBox())!;
    expect(Object.keys((await json()).machine.states['burst']!.states!)).toContain('spare');
    await drag('burst.spare', { x: pane.x + 120, y: pane.y + 40 });
    await expect.poll(async () => Object.keys((await json()).machine.states)).toContain('spare');
    expect(Object.keys((await json()).machine.states['burst']!.states!)).not.toContain('spare');
    await expect.poll(() => page.locator('.svelte-flow__node[data-id=spare]').count()).toBe(1);
    // Drop it back inside burst's body: nested again.
    await page.waitForTimeout(200);
    const bb = (await page.locator('.svelte-flow__node[data-id=burst]').boundingBox())!;
    await drag('spare', { x: bb.x + bb.width / 2, y: bb.y + bb.height - 8 });
    await expect.poll(async () => Object.keys((await json()).machine.states['burst']!.states!)).toContain('spare');
    expect(Object.keys((await json()).machine.states)).not.toContain('spare');
    await page.waitForTimeout(200);
    const sb = (await page.locator('.svelte-flow__node[data-id="burst.spare"]').boundingBox())!;
    const bb2 = (await page.locator('.svelte-flow__node[data-id=burst]').boundingBox())!;
    expect(sb.x >= bb2.x && sb.y >= bb2.y && sb.x + sb.width <= bb2.x + bb2.width + 0.5 && sb.y + sb.height <= bb2.y + bb2.height + 0.5).toBe(true);
    await shootBoth(page, 'designer-nested-drop');
    // Undo: top level again.
    await page.locator('[data-testid=undo]').click();
    await expect.poll(async () => Object.keys((await json()).machine.states)).toContain('spare');
    expect(s.problems).toEqual([]);
  });

  it('a transition with a list of targets is drawn to every target (same label); a guarded list to each candidate', async () => {
    const dir = join(s.app.userDir, 'scenarios');
    writeFileSync(join(dir, 'multi.json'), `${JSON.stringify(MULTI, null, 2)}\n`);
    await page.locator('a[data-view=accelerator]').click();
    await page.locator('a[data-view=scenarios]').click();
    await expect.poll(() => page.locator('[data-testid=open-pick] option[value="user:multi"]').count()).toBe(1);
    await page.locator('[data-testid=open-pick]').selectOption('user:multi');
    await page.locator('[data-testid=open]').click();
    await expect.poll(nodeCount).toBe(9);
    await expect.poll(edgeCount).toBe(4);
    await page.locator('.svelte-flow__controls-fitview').click();
    await page.waitForTimeout(400);
    expect((await page.locator('.svelte-flow__edge').evaluateAll((es) => es.map((e) => e.getAttribute('aria-label')))).sort())
      .toEqual(['Edge from idle to both', 'Edge from idle to both.pe.hit', 'Edge from idle to both.sram.hit', 'Edge from idle to spare']);
    expect((await page.locator('.svelte-flow__edge-label').allTextContents()).sort()).toEqual(['INFERENCE_END', 'INFERENCE_END [inferenceIs n=2]', 'after 1000', 'after 1000']);
    // Each "after 1000" arrow ends at its own target: the path's right end at the target's left side, within its height.
    for (const t of ['both.sram.hit', 'both.pe.hit']) {
      const pb = (await page.locator(`.svelte-flow__edge[aria-label="Edge from idle to ${t}"] .svelte-flow__edge-path`).boundingBox())!;
      const tb = (await page.locator(`.svelte-flow__node[data-id="${t}"]`).boundingBox())!;
      expect(Math.abs(pb.x + pb.width - tb.x)).toBeLessThan(12);
      expect(pb.y + pb.height).toBeGreaterThan(tb.y);
      expect(pb.y).toBeLessThan(tb.y + tb.height);
    }
    expect(await page.locator('[data-testid=valid]').count()).toBe(1);
    await shootBoth(page, 'designer-multi-target');
    // Selecting either arrow selects the whole transition; deleting it removes both arrows; undo restores them.
    await page.locator('.svelte-flow__controls-fitview').click();
    await page.waitForTimeout(300);
    await page.locator('.svelte-flow__edge-label', { hasText: 'after 1000' }).first().click();
    const del = page.locator('[data-testid=delete-transition]');
    await expect.poll(() => del.textContent()).toContain('idle → both.sram.hit, both.pe.hit');
    await del.click();
    await expect.poll(edgeCount).toBe(2);
    await page.locator('[data-testid=undo]').click();
    await expect.poll(edgeCount).toBe(4);
    expect(s.problems).toEqual([]);
  });
});
