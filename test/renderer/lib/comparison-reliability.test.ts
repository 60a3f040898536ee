import { describe, expect, it } from 'vitest';
import { avfCells, avfCsvRows, avfTableRows, fmtFit, fmtRate, outcomeChartRows, outcomeCsvCells, outcomeRows, OUTCOME_CLASSES } from '../../../renderer/src/lib/comparison-reliability';
import { avfEstimate, type AvfTally } from '../../../campaign/avf';
import { FIT_PRESETS, fitReport } from '../../../campaign/fit';
import { outcomeRates, type OutcomeCounts } from '../../../campaign/outcomes';
import { SummarySchema } from '../../../ipc/campaign-schemas';

const tallies: Record<string, AvfTally> = {
  weightSram: { sites: 40, masked: 33, tolerable: 2, sdc: 4, due: 1 },
  'pe.psum': { sites: 40, masked: 40, tolerable: 0, sdc: 0, due: 0 },
};
const bits: Record<string, number> = { weightSram: 1_000_000, 'pe.psum': 8192 };
const avfRows = (protection: string) => Object.entries(tallies).map(([target, tally]) => ({
  model: 'lenet5', protection, format: 'fp32', target, bits: bits[target]!, cycles: 1000, population: bits[target]! * 1000, tally, avf: avfEstimate(tally),
}));
const counts: OutcomeCounts = { images: 16, masked: 10, tolerable: 2, sdc: 3, criticalSdc: 1, due: 1 };
const point = (protection: string, withOutcomes: boolean) => ({
  key: protection, model: 'lenet5', protection, format: 'fp32', fault: { kind: 'ber', target: 'weightSram', ber: 1e-5 }, trials: 2, images: 16, goldenAccuracy: 1,
  accuracy: { mean: 0.8, lo: 0.7, hi: 0.9 }, sdc: { count: 3, base: 16, rate: { mean: 0.1875, lo: 0, hi: 1 } }, faultsPerTrial: 1, vulnerability: {}, cycles: 10,
  outcomes: withOutcomes ? { counts, rates: outcomeRates(counts) } : null,
});
const rates = FIT_PRESETS['iec61508']!;
const summary = SummarySchema.parse({
  name: 'n', description: 'd', runner: 'engine', totalTrials: 4, completedTrials: 4,
  methods: { accuracy: 'a', rates: 'r', vulnerability: 'v', avf: 'x' },
  points: [point('relu', true), point('ranger', true), point('ecc', false)], structures: [], overhead: [],
  avf: [...avfRows('relu'), ...avfRows('ranger')],
  fit: ['relu', 'ranger'].map((protection) => ({ model: 'lenet5', protection, format: 'fp32', report: fitReport(Object.entries(tallies).map(([target, tally]) => ({ target: target as 'weightSram', bits: bits[target]!, tally })), rates) })),
  fitRates: rates,
});

describe('comparison view: reliability rows', () => {
  it('outcome rows: one per point with outcome classes, counts and the summary intervals unchanged', () => {
    const rows = outcomeRows(summary.points, (p) => p.protection, () => 'weightSram 1e-5');
    expect(rows.map((r) => r.protection)).toEqual(['relu', 'ranger']);
    const want = outcomeRates(counts);
    for (const c of OUTCOME_CLASSES) {
      expect(rows[0]!.counts[c.key]).toBe(counts[c.key]);
      expect(rows[0]!.rates[c.key]).toEqual(want[c.key]);
    }
    expect(outcomeChartRows(rows).length).toBe(2 * OUTCOME_CLASSES.length);
    expect(outcomeCsvCells(summary.points[2]!).every((x) => x === null)).toBe(true);
    expect(outcomeCsvCells(summary.points[0]!).slice(0, 2)).toEqual([counts.masked, counts.masked / counts.images]);
  });

  it('AVF / FIT rows: each structure with its FIT, then the total of its protection', () => {
    const rows = avfTableRows(summary);
    expect(rows.map((r) => `${r.protection}:${r.target}`)).toEqual(['relu:weightSram', 'relu:pe.psum', 'relu:total', 'ranger:weightSram', 'ranger:pe.psum', 'ranger:total']);
    const f = summary.fit![0]!.report;
    expect(rows[0]!.fitSdc).toEqual(f.structures[0]!.fitSdc);
    expect(rows[2]!.fitSdc).toEqual(f.total.fitSdc);
    expect(rows[2]!.bits).toBe(bits['weightSram']! + bits['pe.psum']!);
    // FIT = rate per bit x bits x AVF, by hand for weightSram: 1200 / 2^20 x 1e6 x 4/40
    expect(rows[0]!.fitSdc!.mean).toBeCloseTo((1200 / 2 ** 20) * 1e6 * 0.1, 9);
    const cells = avfCells(rows[0]!);
    expect(cells[2]).toBe('1,000,000');
    expect(cells[6]).toBe(fmtRate(rows[0]!.avfSdc!, 3));
    expect(cells[8]).toBe(`${fmtFit(rows[0]!.fitSdc!.mean)} [${fmtFit(rows[0]!.fitSdc!.lo)}, ${fmtFit(rows[0]!.fitSdc!.hi)}]`);
    expect(avfCells(rows[2]!)[6]).toBe('');
    const csv = avfCsvRows(rows);
    expect(csv.rows.length).toBe(6);
    expect(csv.rows[2]![csv.head.indexOf('fit_sdc')]).toBe(f.total.fitSdc.mean);
  });

  it('without raw rates there is no FIT and no total row', () => {
    const rows = avfTableRows({ ...summary, fit: [], fitRates: null });
    expect(rows.length).toBe(4);
    expect(rows.every((r) => r.fitSdc === null && r.target !== 'total')).toBe(true);
    expect(avfCells(rows[0]!)[8]).toBe('—');
  });

  it('formats: percent with interval, FIT with 4 significant digits', () => {
    expect(fmtRate({ mean: 0.125, lo: 0.05, hi: 0.26 })).toBe('12.5% [5.0, 26.0]');
    expect(fmtFit(0)).toBe('0');
    expect(fmtFit(123.456)).toBe('123.5');
    expect(fmtFit(0.0001234)).toBe('1.234e-4');
  });
});
