/**
 * Per-point metrics of a campaign from its trial records (sorted by trial index first, so the
 * summary is byte-identical for any worker count, shard split or resume history).
 *
 * Definitions (per point, pooled over its trials):
 * - accuracy: per-trial top-1 accuracy; mean and 95% Student t interval over trials;
 * - SDC rate: SDCs / golden-correct images, where an SDC is a golden-correct image whose faulty
 *   top-1 differs from its golden top-1; 95% Wilson interval;
 * - critical SDC rate: SDCs whose golden or faulty class is in `criticalClasses`, over the same base;
 * - vulnerability of a structure: of the faults injected into it, the share whose trial had at
 *   least one SDC (exact for one-fault trials; an upper bound when several faults share a trial);
 * - per layer: mean corrupted share and mean relative L2 over trials, max |delta| over trials;
 *   `maskedAt`: image counts by the last layer where corruption was visible;
 * - outcome classes (issue 14): every image masked / tolerable / SDC (critical) / DUE, counts and
 *   95% Wilson intervals over all images (campaign/outcomes.ts);
 * - AVF points: AVF_SDC and AVF_DUE of the structure (campaign/avf.ts), FIT when the campaign
 *   gives raw rates (campaign/fit.ts);
 * - with a `precision` target, each point uses the prefix of its trials chosen by the early-stop
 *   rule (campaign/precision.ts), so the summary does not depend on trials run past the stop.
 */
import type { FaultTarget } from '../sim/faults/types';
import type { CampaignPlan } from './plan';
import type { TrialRecord } from './results';
import { mean, tInterval95, wilson95, type Interval } from './stats';
import type { PointFault, TrialResult } from './types';
import { avfRow, fitRows, pointOutcomes, usedTrials, type AvfRow, type FitRow, type PointOutcomes } from './avf-summary';
import { dueRuleOf, fitRates, trialChoice, type ReliabilityFields } from './avf-schema';
import { withDefaults, type TrialCountChoice } from './precision';
import type { DueRule } from './outcomes';
import type { RawRates } from './fit';

/** Faults and SDC-ending faults of one structure. */
export interface Vulnerability {
  readonly faults: number;
  /** Faults whose trial had at least one SDC. */
  readonly sdcFaults: number;
  /** sdcFaults / faults (0 when no faults). */
  readonly share: number;
}

/** Per-layer propagation summary of one point. */
export interface LayerSummary {
  readonly name: string;
  readonly corruptedShare: number;
  readonly maxAbsDelta: number;
  readonly relL2: number;
  /** Images whose corruption was last visible at this layer. */
  readonly maskedHere: number;
}

/** Metrics of one point. */
export interface PointSummary {
  readonly index: number;
  readonly key: string;
  readonly model: string;
  readonly protection: string;
  readonly format: string;
  readonly fault: Extract<PointFault, { kind: 'ber' | 'avf' }> | { readonly kind: 'scenario'; readonly id: string };
  /** Completed trials used by the summary (the early-stop prefix when a precision is stated). */
  readonly trials: number;
  /** Trials planned for the point. */
  readonly plannedTrials: number;
  /** True when the early-stop rule ended the point before its planned trials. */
  readonly stoppedEarly: boolean;
  /** Trials stopped at the pool's time limit (campaign/pool.ts), left out of every rate; absent when none. */
  readonly timedOut?: number;
  readonly images: number;
  readonly goldenAccuracy: number;
  readonly accuracy: Interval;
  readonly sdc: { readonly count: number; readonly base: number; readonly rate: Interval };
  readonly criticalSdc: { readonly count: number; readonly rate: Interval };
  /** Mean faults injected per trial. */
  readonly faultsPerTrial: number;
  readonly vulnerability: Partial<Record<FaultTarget, Vulnerability>>;
  readonly layers: readonly LayerSummary[];
  /** Images whose corruption reached the output / were never touched. */
  readonly reachedOutput: number;
  readonly untouched: number;
  /** Accelerator cycles of one inference. */
  readonly cycles: number;
  /** Array compute utilization, 0..1. */
  readonly utilization: number;
  readonly overhead: { readonly extraParams: number; readonly extraBytes: number; readonly extraCycles: number } | null;
  /** Outcome classes over all images (null when the runner did not classify). */
  readonly outcomes: PointOutcomes | null;
  /** AVF of the structure (AVF points only). */
  readonly avf: AvfRow | null;
}

/** One row of the overhead table: a model x protection x format. */
export interface OverheadRow {
  readonly model: string;
  readonly protection: string;
  readonly format: string;
  readonly cycles: number;
  readonly utilization: number;
  /** Cycles relative to the "relu" (unprotected) variant of the same model/format, or null. */
  readonly cycleRatio: number | null;
  readonly extraParams: number | null;
  readonly extraBytes: number | null;
}

/** The campaign summary written to summary.json. Contains no timings: it is deterministic. */
export interface CampaignSummary {
  readonly version: 1;
  readonly name: string;
  readonly description: string;
  readonly campaignHash: string;
  /** Which TrialRunner produced the records: "engine" (the simulator), "fake" (synthetic), or a caller's name. */
  readonly runner: string;
  readonly seed: number;
  readonly trialsPerPoint: number;
  /** How the trials per point were chosen (fixed, or a precision target). */
  readonly trialCount: TrialCountChoice;
  readonly totalTrials: number;
  readonly completedTrials: number;
  readonly criticalClasses: readonly number[];
  readonly methods: {
    readonly accuracy: string; readonly rates: string; readonly vulnerability: string;
    readonly outcomes: string; readonly avf: string; readonly fit: string;
  };
  /** The DUE rule used to classify non-finite outputs. */
  readonly dueRule: DueRule;
  readonly points: readonly PointSummary[];
  /** Vulnerability per protection and structure, pooled over the protection's points. */
  readonly structures: readonly { readonly protection: string; readonly target: FaultTarget; readonly v: Vulnerability }[];
  readonly overhead: readonly OverheadRow[];
  /** AVF per structure (one row per AVF point with trials). */
  readonly avf: readonly AvfRow[];
  /** Raw rates used for FIT, or null when the campaign gives none. */
  readonly fitRates: RawRates | null;
  /** FIT per structure and total, per model x protection x format with AVF rows. */
  readonly fit: readonly FitRow[];
}

/** A t interval of a proportion can leave [0, 1]; the reported bounds are clipped to it. */
function clip01(i: Interval): Interval {
  return { mean: i.mean, lo: Math.max(0, i.lo), hi: Math.min(1, i.hi) };
}

function vuln(faults: number, sdcFaults: number): Vulnerability {
  return { faults, sdcFaults, share: faults === 0 ? 0 : sdcFaults / faults };
}

function summarizePoint(plan: CampaignPlan, pi: number, all: readonly TrialRecord[]): PointSummary {
  const p = plan.points[pi]!;
  const fault = p.fault.kind === 'scenario' ? { kind: 'scenario' as const, id: p.fault.id } : p.fault;
  const isAvf = p.fault.kind === 'avf';
  const prec = (plan.campaign as ReliabilityFields).precision;
  const byTrial: (TrialResult | undefined)[] = new Array<TrialResult | undefined>(plan.trialsPerPoint);
  for (const rec of all) byTrial[rec.trial] = rec.r;
  const stop = usedTrials(isAvf, byTrial, plan.trialsPerPoint, prec ? withDefaults(prec) : null);
  const used = all.filter((rec) => rec.trial < stop);
  const recs = used.filter((rec) => !rec.r.timedOut); // timed-out trials evaluated nothing
  const timedOut = used.length - recs.length;
  let images = 0, golden = 0, sdc = 0, crit = 0, faults = 0, reached = 0, untouched = 0;
  const byT = new Map<FaultTarget, [number, number]>();
  const layerAcc = new Map<string, { cs: number[]; md: number; rl: number[]; masked: number }>();
  for (const { r } of recs) {
    images += r.images; golden += r.goldenCorrect; sdc += r.sdc; crit += r.criticalSdc; faults += r.faultsInjected;
    for (const t of Object.keys(r.faultsByTarget).sort() as FaultTarget[]) {
      const n = r.faultsByTarget[t] ?? 0;
      const v = byT.get(t) ?? [0, 0];
      byT.set(t, [v[0] + n, v[1] + (r.sdc > 0 ? n : 0)]);
    }
    for (const l of r.layers) {
      const a = layerAcc.get(l.name) ?? { cs: [], md: 0, rl: [], masked: 0 };
      a.cs.push(l.corruptedShare); a.rl.push(l.relL2);
      a.md = Number.isNaN(l.maxAbsDelta) || Number.isNaN(a.md) ? NaN : Math.max(a.md, l.maxAbsDelta);
      layerAcc.set(l.name, a);
    }
    for (const [k, n] of Object.entries(r.maskedAt)) {
      if (k === '(output)') reached += n;
      else if (k === '(none)') untouched += n;
      else { const a = layerAcc.get(k); if (a) a.masked += n; }
    }
  }
  const vulnerability: Partial<Record<FaultTarget, Vulnerability>> = {};
  for (const t of [...byT.keys()].sort()) vulnerability[t] = vuln(byT.get(t)![0], byT.get(t)![1]);
  const first = recs[0]?.r;
  return {
    index: p.index, key: p.key, model: p.model, protection: p.protection, format: p.formatKey, fault,
    trials: recs.length, images,
    goldenAccuracy: images === 0 ? 0 : golden / images,
    accuracy: clip01(tInterval95(recs.map(({ r }) => (r.images === 0 ? 0 : r.faultyCorrect / r.images)))),
    sdc: { count: sdc, base: golden, rate: wilson95(sdc, golden) },
    criticalSdc: { count: crit, rate: wilson95(crit, golden) },
    faultsPerTrial: recs.length === 0 ? 0 : faults / recs.length,
    vulnerability,
    layers: [...layerAcc].map(([name, a]) => ({ name, corruptedShare: mean(a.cs), maxAbsDelta: a.md, relL2: mean(a.rl), maskedHere: a.masked })),
    reachedOutput: reached, untouched,
    cycles: first?.cycles ?? 0,
    utilization: first?.utilization ?? 0,
    overhead: first?.overhead ?? null,
    plannedTrials: plan.trialsPerPoint,
    stoppedEarly: stop < plan.trialsPerPoint,
    outcomes: pointOutcomes(recs.map((x) => x.r)),
    ...(timedOut > 0 ? { timedOut } : {}),
    avf: p.fault.kind === 'avf' ? avfRow({ model: p.model, protection: p.protection, format: p.formatKey, target: p.fault.target }, recs.map((x) => x.r), prec?.interval) : null,
  };
}

/**
 * Builds the summary from records of any order (sorted here by trial index). Duplicate indices
 * must have been rejected by the caller (see merge.ts / run.ts).
 */
export function summarize(plan: CampaignPlan, hash: string, records: readonly TrialRecord[], runner = 'engine'): CampaignSummary {
  const sorted = [...records].sort((a, b) => a.i - b.i);
  const perPoint: TrialRecord[][] = plan.points.map(() => []);
  for (const rec of sorted) perPoint[Math.floor(rec.i / plan.trialsPerPoint)]?.push(rec);
  const points = plan.points.map((_, i) => summarizePoint(plan, i, perPoint[i]!));
  const sAcc = new Map<string, [number, number]>();
  for (const p of points)
    for (const [t, v] of Object.entries(p.vulnerability)) {
      const k = `${p.protection}\0${t}`;
      const a = sAcc.get(k) ?? [0, 0];
      sAcc.set(k, [a[0] + v!.faults, a[1] + v!.sdcFaults]);
    }
  const structures = [...sAcc].map(([k, [f, s]]) => {
    const [protection, target] = k.split('\0') as [string, FaultTarget];
    return { protection, target, v: vuln(f, s) };
  });
  const overhead: OverheadRow[] = [];
  const seen = new Set<string>();
  for (const p of points) {
    const k = `${p.model}|${p.protection}|${p.format}`;
    if (seen.has(k) || p.trials === 0) continue;
    seen.add(k);
    const base = points.find((q) => q.model === p.model && q.format === p.format && q.protection === 'relu' && q.trials > 0);
    overhead.push({
      model: p.model, protection: p.protection, format: p.format, cycles: p.cycles, utilization: p.utilization,
      cycleRatio: base && base.cycles > 0 ? p.cycles / base.cycles : null,
      extraParams: p.overhead?.extraParams ?? null, extraBytes: p.overhead?.extraBytes ?? null,
    });
  }
  const c = plan.campaign;
  const rel = c as ReliabilityFields;
  const avf = points.flatMap((p) => (p.avf ? [p.avf] : []));
  const rates = fitRates(rel);
  return {
    version: 1, name: c.name, description: c.description, campaignHash: hash, runner, seed: c.seed,
    trialsPerPoint: plan.trialsPerPoint, trialCount: trialChoice(rel), totalTrials: plan.totalTrials,
    completedTrials: points.reduce((a, p) => a + p.trials, 0),
    criticalClasses: c.criticalClasses,
    methods: {
      accuracy: 'mean of per-trial top-1 accuracy, 95% Student t interval over trials (clipped to [0, 1])',
      rates: 'pooled over golden-correct images, 95% Wilson score interval',
      vulnerability: 'share of injected faults whose trial had at least one SDC',
      outcomes: 'every image: DUE (ECC-detected, or non-finite output under the "output" rule) > SDC (top-1 changed; critical: golden or faulty class critical) > tolerable (output changed, top-1 kept) > masked; rates over all images, 95% Wilson score interval',
      avf: `one SEU per trial at a (bit, cycle) site drawn uniformly over the structure's used bits x the run's cycles; AVF = share of sites whose run ends in SDC (DUE); 95% ${rel.precision?.interval === 'clopper-pearson' ? 'Clopper–Pearson (exact)' : 'Wilson score'} interval`,
      fit: `FIT = raw rate per bit x bits x AVF; total interval = sum of per-structure ${rel.precision?.interval === 'clopper-pearson' ? 'Clopper–Pearson' : 'Wilson'} bounds at 1 - 0.05/k (Bonferroni)`,
    },
    dueRule: dueRuleOf(rel),
    points, structures, overhead, avf, fitRates: rates, fit: fitRows(avf, rates, rel.precision?.interval),
  };
}
