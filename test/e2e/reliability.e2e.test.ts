/**
 * Issue 14 in the comparison view, against the built app: outcome classes per protection (counts
 * and 95% intervals as text), and an AVF study run from the view whose AVF / FIT table equals what
 * `faultline avf` gives for the same options (the CLI command run here, in this process, on the
 * worker pool). Expectations are computed, never typed in: outcome counts come from the run's
 * summary.json, their intervals are recomputed from the counts; AVF / FIT cells come from the CLI
 * study's summary through the view's own formatter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openSession, shootBoth, type Session } from './helpers';
import { ROOT } from './built-app';
import { avfCommand } from '../../cli/commands/avf';
import { wilsonInterval } from '../../campaign/stats';
import { protectionColor } from '../../renderer/src/lib/colors';
import { OUTCOME_CLASSES, avfCells, avfTableRows, fmtRate } from '../../renderer/src/lib/comparison-reliability';
import type { CampaignSummary } from '../../campaign/summary';

let s: Session;
let page: Page;
beforeAll(async () => {
  s = await openSession();
  page = s.page;
  await page.locator('a[data-view=comparison]').click();
  await page.locator('[data-testid=campaign-file] option').nth(2).waitFor({ state: 'attached' });
});
afterAll(async () => s?.close());

/** The summary.json of the newest run folder whose name starts with `prefix` (the app's campaigns dir). */
function newestSummary(prefix: string): CampaignSummary {
  const dir = join(s.app.userDir, 'campaigns');
  const run = readdirSync(dir).filter((d) => d.startsWith(prefix)).sort().at(-1)!;
  return JSON.parse(readFileSync(join(dir, run, 'summary.json'), 'utf8')) as CampaignSummary;
}
async function download(testid: string): Promise<Buffer> {
  const dl = page.waitForEvent('download');
  await page.locator(`[data-testid=${testid}]`).first().click();
  return readFileSync((await (await dl).path())!);
}
const cellTexts = (row: ReturnType<Page['locator']>): Promise<string[]> => row.locator('td').allTextContents();

describe('reliability numbers in the comparison view', () => {
  it('outcome classes per protection: counts and 95% intervals as a person reads them', async () => {
    const file = JSON.parse(readFileSync(join(ROOT, 'campaigns', 'gui-protections.json'), 'utf8')) as { protections: string[] };
    await page.locator('[data-testid=campaign-file]').selectOption('gui-protections');
    await page.locator('[data-testid=campaign-trials]').fill('2');
    await page.locator('[data-testid=campaign-images]').fill('8');
    await page.locator('[data-testid=campaign-run]').click();
    await expect.poll(() => page.locator('[data-testid=outcome-table] tbody tr').count(), { timeout: 240_000 }).toBeGreaterThan(0);
    const sum = newestSummary('gui-protections-');
    const rows = page.locator('[data-testid=outcome-table] tbody tr');
    expect(await rows.count()).toBe(sum.points.length);
    for (let i = 0; i < sum.points.length; i++) {
      const p = sum.points[i]!;
      const o = p.outcomes!;
      expect(o.counts.images).toBe(p.images); // 2 trials x 8 images
      expect(OUTCOME_CLASSES.filter((c) => c.key !== 'criticalSdc').reduce((a, c) => a + o.counts[c.key], 0)).toBe(o.counts.images);
      const cells = await cellTexts(rows.nth(i));
      expect(cells[0]).toContain(p.protection);
      expect(cells[2]).toBe(String(o.counts.images));
      OUTCOME_CLASSES.forEach((c, j) => {
        // the interval is recomputed from the count (Wilson 95%), not copied from the summary
        expect(cells[3 + j]).toBe(`${o.counts[c.key]} ${fmtRate(wilsonInterval(o.counts[c.key], o.counts.images, 0.95))}`);
      });
    }
    expect(new Set(sum.points.map((p) => p.protection))).toEqual(new Set(file.protections));
    // one colour per protection in the outcome chart, the same as the legend's
    const fills = new Set(await page.locator('[data-testid=outcome-panel] g[aria-label=bar] rect').evaluateAll((rs) => rs.map((r) => (r as unknown as { getAttribute(n: string): string | null }).getAttribute('fill'))));
    expect(fills).toEqual(new Set(file.protections.map(protectionColor)));
    // the points CSV carries the outcome classes (count, rate, interval per class)
    const csv = (await download('export-csv')).toString('utf8').trim().split('\n');
    const head = csv[0]!.split(',');
    for (const c of OUTCOME_CLASSES) expect(head).toContain(`out_${c.key}_lo`);
    expect(Number(csv[1]!.split(',')[head.indexOf('out_sdc_count')])).toBe(sum.points[0]!.outcomes!.counts.sdc);
    // the outcome chart's SVG export holds the bars and the legend
    const svg = (await download('export-outcomes-svg')).toString('utf8');
    for (const p of file.protections) expect(svg.toLowerCase()).toContain(protectionColor(p));
    expect(svg).toContain('critical SDC');
    // the table says which interval it shows (Wilson score for outcome classes)
    expect(await page.locator('[data-testid=outcome-interval]').textContent()).toContain('95% Wilson score interval');
    await shootBoth(page, 'reliability-outcomes', true);
  }, 300_000);

  it('an AVF study from the view shows the AVF / FIT table `faultline avf` gives for the same options', async () => {
    const trials = 20;
    await page.locator('[data-testid=avf-model]').selectOption('lenet5');
    await page.locator('[data-testid=avf-sizing]').selectOption('trials');
    await page.locator('[data-testid=avf-trials]').fill(String(trials));
    await page.locator('[data-testid=avf-images]').fill('1');
    await page.locator('[data-testid=avf-fit]').selectOption('iec61508');
    await page.locator('[data-testid=avf-run]').click();
    await expect.poll(() => page.locator('[data-testid=avf-table] tbody tr').count(), { timeout: 300_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-testid=avf-progress]').count()).toBe(0);

    const out = mkdtempSync(join(tmpdir(), 'faultline-avf-cli-'));
    await avfCommand({ model: 'lenet5', out, trials: String(trials), images: '1', fitPreset: 'iec61508', workers: '1' });
    const cli = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as CampaignSummary;
    const want = avfTableRows(cli as never);
    expect(want.length).toBe(7); // six structures and the total
    const rows = page.locator('[data-testid=avf-table] tbody tr');
    expect(await rows.count()).toBe(want.length);
    for (let i = 0; i < want.length; i++) expect(await cellTexts(rows.nth(i)), want[i]!.target).toEqual(avfCells(want[i]!));
    // the GUI's own summary agrees with the CLI's in every AVF tally and FIT total
    const gui = newestSummary('avf-lenet5-');
    expect(gui.avf.map((r) => r.tally)).toEqual(cli.avf.map((r) => r.tally));
    expect(gui.fit[0]!.report.total).toEqual(cli.fit[0]!.report.total);
    expect(cli.avf.every((r) => r.tally.sites === trials)).toBe(true);
    // charts: AVF and FIT bars in the protection's colour
    const avfSvg = (await download('export-avf-svg')).toString('utf8');
    expect(avfSvg).toContain('AVF (share of (bit, cycle) sites');
    expect(avfSvg).toContain('ifmapSram');
    const fills = new Set(await page.locator('[data-testid=avf-chart] g[aria-label=bar] rect').evaluateAll((rs) => rs.map((r) => (r as unknown as { getAttribute(n: string): string | null }).getAttribute('fill'))));
    expect(fills).toEqual(new Set([protectionColor('relu')]));
    expect(await page.locator('[data-testid=fit-chart] svg').count()).toBe(1);
    // the AVF / FIT CSV export holds the same numbers
    const csv = (await download('export-avf-csv')).toString('utf8').trim().split('\n');
    expect(csv.length).toBe(1 + want.length);
    const head = csv[0]!.split(',');
    const total = csv.at(-1)!.split(',');
    expect(Number(total[head.indexOf('fit_sdc')])).toBeCloseTo(cli.fit[0]!.report.total.fitSdc.mean, 9);
    await shootBoth(page, 'reliability', true);
  }, 420_000);

  it('a study planned to a margin (Clopper–Pearson) from the view stops where `faultline avf --margin --interval cp` stops', async () => {
    await page.locator('[data-testid=avf-sizing]').selectOption('margin');
    await page.locator('[data-testid=avf-margin]').fill('0.1');
    await page.locator('[data-testid=avf-interval]').selectOption('cp');
    for (const box of await page.locator('[data-testid=avf-study] fieldset input[type=checkbox]').all()) {
      if ((await box.getAttribute('value')) === 'weightSram') await box.check();
      else await box.uncheck();
    }
    await page.locator('[data-testid=avf-run]').click();
    await expect.poll(() => page.locator('[data-testid=avf-progress]').count(), { timeout: 10_000 }).toBe(1).catch(() => undefined);
    await expect.poll(() => page.locator('[data-testid=avf-progress]').count(), { timeout: 300_000 }).toBe(0);
    await expect.poll(() => page.locator('[data-testid=avf-table] tbody tr').count()).toBe(2);
    const out = mkdtempSync(join(tmpdir(), 'faultline-avf-cli-'));
    await avfCommand({ model: 'lenet5', out, margin: '0.1', interval: 'cp', structures: 'weightSram', images: '1', fitPreset: 'iec61508', workers: '1' });
    const cli = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as CampaignSummary;
    expect(cli.trialCount).toMatchObject({ method: 'precision', precision: { margin: 0.1, interval: 'clopper-pearson', marginKind: 'absolute' } });
    expect(cli.methods.avf).toContain('Clopper–Pearson');
    const want = avfTableRows(cli as never);
    const rows = page.locator('[data-testid=avf-table] tbody tr');
    for (let i = 0; i < want.length; i++) expect(await cellTexts(rows.nth(i))).toEqual(avfCells(want[i]!));
    const used = cli.avf[0]!.tally.sites;
    expect(used).toBeLessThanOrEqual(cli.trialsPerPoint);
    expect(await page.locator('[data-testid=avf-panel]').textContent()).toContain('Clopper–Pearson');
    expect(await page.locator('[data-testid=avf-interval-note]').textContent()).toContain('95% Clopper–Pearson (exact) intervals');
    expect(s.problems).toEqual([]);
  }, 420_000);

  it('a bad raw rate or prior is named inline with its range and Run is off until it is fixed', async () => {
    const run = page.locator('[data-testid=avf-run]');
    const err = page.locator('[data-testid=avf-error]');
    await page.locator('[data-testid=avf-sizing]').selectOption('trials');
    await page.locator('[data-testid=avf-fit]').selectOption('custom');
    await page.locator('[data-testid=avf-sram-fit]').fill('-5');
    await expect.poll(() => err.textContent()).toBe('SRAM rate: expected 0 to 1,000,000,000 FIT/Mbit, found -5');
    expect(await run.isDisabled()).toBe(true);
    expect(await page.locator('[data-testid=avf-sram-fit]').getAttribute('aria-invalid')).toBe('true');
    await page.locator('[data-testid=avf-reg-fit]').fill('abc');
    await expect.poll(() => err.textContent()).toContain('PE register rate: expected a number from 0 to 1,000,000 FIT/flip-flop, found "abc"');
    await page.locator('[data-testid=avf-sram-fit]').fill('');
    await expect.poll(() => err.textContent()).toContain('SRAM rate: required, a number from 0 to 1,000,000,000 FIT/Mbit');
    await shootBoth(page, 'reliability-rate-error');
    // the prior of a relative margin: 0 < p < 1
    await page.locator('[data-testid=avf-sram-fit]').fill('800');
    await page.locator('[data-testid=avf-reg-fit]').fill('0.0008');
    await page.locator('[data-testid=avf-sizing]').selectOption('margin');
    await page.locator('[data-testid=avf-margin]').fill('50%');
    await page.locator('[data-testid=avf-prior]').fill('1.5');
    await expect.poll(() => err.textContent()).toBe('Prior AVF: expected above 0 and below 1, found 1.5');
    expect(await run.isDisabled()).toBe(true);
    await page.locator('[data-testid=avf-prior]').fill('0.5');
    await expect.poll(() => err.count()).toBe(0);
    expect(await run.isDisabled()).toBe(false);
  });

  it('custom raw rates and a prior: the AVF / FIT table equals `faultline avf --sram-fit 800 --reg-fit-flop 0.0008 --margin 50% --prior 0.5`', async () => {
    // The form is left as the previous test fixed it: custom rates, relative margin 50% with prior 0.5.
    for (const box of await page.locator('[data-testid=avf-study] fieldset input[type=checkbox]').all()) {
      if (['weightSram', 'pe.psum'].includes((await box.getAttribute('value')) ?? '')) await box.check();
      else await box.uncheck();
    }
    await page.locator('[data-testid=avf-interval]').selectOption('wilson');
    await page.locator('[data-testid=avf-run]').click();
    await expect.poll(() => page.locator('[data-testid=avf-progress]').count(), { timeout: 10_000 }).toBe(1).catch(() => undefined);
    await expect.poll(() => page.locator('[data-testid=avf-progress]').count(), { timeout: 300_000 }).toBe(0);
    await expect.poll(() => page.locator('[data-testid=avf-table] tbody tr').count()).toBe(3);
    const out = mkdtempSync(join(tmpdir(), 'faultline-avf-cli-'));
    await avfCommand({ model: 'lenet5', out, margin: '50%', prior: '0.5', structures: 'weightSram,pe.psum', images: '1', sramFit: '800', regFitFlop: '0.0008', workers: '1' });
    const cli = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as CampaignSummary;
    // sized from the prior: n = z^2 (1 - p) / (r^2 p) sites, not the 10,000 cap
    const z = 1.959963984540054;
    expect(cli.trialsPerPoint).toBe(Math.ceil((z * z * (1 - 0.5)) / (0.5 * 0.5 * 0.5)));
    expect(cli.fitRates).toMatchObject({ sramFitPerMbit: 800, registerFitPerFlop: 0.0008 });
    const want = avfTableRows(cli as never);
    const rows = page.locator('[data-testid=avf-table] tbody tr');
    for (let i = 0; i < want.length; i++) expect(await cellTexts(rows.nth(i)), want[i]!.target).toEqual(avfCells(want[i]!));
    const gui = newestSummary('avf-lenet5-');
    expect(gui.trialsPerPoint).toBe(cli.trialsPerPoint);
    expect(gui.avf.map((r) => r.tally)).toEqual(cli.avf.map((r) => r.tally));
    expect(gui.fit[0]!.report.total).toEqual(cli.fit[0]!.report.total);
    // FIT = rate x bits x AVF, by hand from the CLI's tallies and bit counts
    const perBit = (t: string): number => (t === 'weightSram' ? 800 / 2 ** 20 : 0.0008);
    const byHand = cli.avf.reduce((a, r) => a + perBit(r.target) * r.bits * (r.tally.sdc / r.tally.sites), 0);
    expect(gui.fit[0]!.report.total.fitSdc.mean).toBeCloseTo(byHand, 9);
    // and each structure's FIT interval is its AVF interval x its own rate x bits (800 FIT/Mbit vs 0.0008 FIT/flop)
    for (const r of cli.avf) {
      const f = gui.fit[0]!.report.structures.find((x) => x.target === r.target)!;
      expect(f.fitSdc.hi).toBeCloseTo(perBit(r.target) * r.bits * r.avf.sdc.hi, 9);
      expect(f.fitDue.hi).toBeCloseTo(perBit(r.target) * r.bits * r.avf.due.hi, 9);
    }
    expect(await page.locator('[data-testid=avf-panel]').textContent()).toContain('SRAM 800 FIT/Mbit; PE registers 0.0008 FIT/flip-flop');
    expect(await page.locator('[data-testid=avf-interval-note]').textContent()).toContain('95% Wilson score intervals');
    await shootBoth(page, 'reliability-custom-rates', true);
    expect(s.problems).toEqual([]);
  }, 420_000);
});
