/**
 * The real TrialRunner (one per worker thread): translates a TrialSpec into a declared run of the
 * one run pipeline (pipeline/run.ts) and its outcome into a TrialResult. The pipeline loads models,
 * protections, data and the kernel once per process and caches golden runs; fault draws follow
 * pipeline/ber.ts (common random numbers across protections).
 * - weightSram BER points: static weight-SRAM corruption (pipeline/exposure.ts, ECC and stored
 *   bounds included), then a full inference of the corrupted network;
 * - other BER targets, AVF sites and scenario points: fault records run through the faulty engine.
 * Kernel: the campaign's `kernel` (campaign file field or `--kernel`), else FAULTLINE_KERNEL, else
 * the fastest backend (pipeline/kernels.ts DEFAULT_KERNEL); results are the same bits on every one.
 * Without dataset labels (architecture-only models) the golden top-1 is each image's reference label.
 */
import type { KernelBackendName } from '../sim/kernels/types';
import type { FaultTarget } from '../sim/faults/types';
import { runPipeline, runNetwork, specOfDeclaration, type FaultSource, type PipelineOutcome } from '../pipeline';
import { avfTrial } from './avf';
import { classifyOutcomes } from './outcomes';
import type { LayerStat, TrialResult, TrialRunner, TrialSpec } from './types';

/** Options of the engine runner. */
export interface EngineRunnerOptions {
  /** GEMM backend (default: FAULTLINE_KERNEL, else pipeline/kernels.ts DEFAULT_KERNEL). */
  readonly kernel?: KernelBackendName;
  /** Memory cap of one trial's run, MiB (default: FAULTLINE_MEMORY_CAP_MB, else 4096); over it the trial is refused. */
  readonly memoryCapMb?: number;
}

/** The TrialResult of a pipeline outcome (see campaign/types.ts). */
export function trialResultOf(t: TrialSpec, o: PipelineOutcome, avf?: TrialResult['avf']): TrialResult {
  const g = o.golden;
  const n = g.n;
  const outSize = g.output.length / n;
  const gp = g.predictions;
  const fp = o.faulty.predictions;
  let goldenCorrect = 0, faultyCorrect = 0, sdc = 0, criticalSdc = 0;
  const maskedAt: Record<string, number> = {};
  const lastLayer = g.layers.length - 1;
  for (let i = 0; i < n; i++) {
    const label = o.labels ? o.labels[i]! : gp[i]!;
    if (gp[i] === label) goldenCorrect++;
    if (fp[i] === label) faultyCorrect++;
    if (gp[i] === label && fp[i] !== gp[i]) {
      sdc++;
      if (t.criticalClasses.includes(gp[i]!) || t.criticalClasses.includes(fp[i]!)) criticalSdc++;
    }
    const L = o.faulty.lastDiff[i]!;
    const k = L < 0 ? '(none)' : L === lastLayer ? '(output)' : g.layers[L]!.name;
    maskedAt[k] = (maskedAt[k] ?? 0) + 1;
  }
  const outcomes = classifyOutcomes({ golden: g.output, faulty: o.faulty.output, n, outSize, critical: t.criticalClasses, due: o.faulty.due, ...(t.due ? { rule: t.due } : {}) });
  const layers: LayerStat[] = o.faulty.layers.map((l) => ({ name: l.name, corruptedShare: l.total ? l.corrupted / l.total : 0, maxAbsDelta: l.maxAbsDelta, relL2: l.relL2 }));
  let macs = 0;
  for (const l of g.layers) if (l.gemm) macs += l.gemm.M * l.gemm.K * l.gemm.N;
  const cycles = o.plan.inferenceCycles + (o.overhead?.extraCycles ?? 0);
  return {
    images: n, goldenCorrect, faultyCorrect, sdc, criticalSdc, faultsInjected: o.faultCount, faultsByTarget: o.faultsByTarget as Partial<Record<FaultTarget, number>>,
    layers, maskedAt, outcomes, ...(avf ? { avf } : {}), cycles, utilization: cycles > 0 ? macs / (cycles * o.spec.rows * o.spec.cols) : 0,
    ...(o.overhead ? { overhead: { extraParams: o.overhead.extraParams, extraBytes: o.overhead.extraBytes, extraCycles: o.overhead.extraCycles } } : {}),
  };
}

/** Builds the pipeline-backed TrialRunner. Failures throw with the pipeline's reason (the trial is recorded as failed). */
export function createEngineRunner(opts: EngineRunnerOptions = {}): TrialRunner {
  return async (t: TrialSpec): Promise<TrialResult> => {
    const p = t.point;
    const f = p.fault;
    let faults: FaultSource;
    let avf: TrialResult['avf'];
    if (f.kind === 'ber') faults = { kind: 'ber', target: f.target, ber: f.ber, definition: f.definition, faultKind: f.faultKind, seed: t.seed };
    else if (f.kind === 'scenario') faults = { kind: 'scenario', path: f.file, seed: t.seed };
    else {
      // one SEU site over the used structure x the run's cycles (campaign/avf.ts)
      const rn = await runNetwork(p.model, p.protection);
      if (!rn.ok) throw new Error(rn.reason);
      const spec = specOfDeclaration({ array: t.array, format: p.format }, rn.value.protection.ecc);
      if (!spec.ok) throw new Error(spec.reason);
      const a = avfTrial(spec.value, rn.value.net, f.target, t.testSet.count, t.seed);
      faults = { kind: 'faults', records: [a.record], seed: t.seed };
      avf = { bits: a.domain.units * a.domain.bitsPerUnit, cycles: a.domain.cycles };
    }
    const o = await runPipeline({
      model: p.model, protection: p.protection, format: p.format, array: t.array, faults, images: t.testSet,
      ...(opts.kernel ? { kernel: opts.kernel } : {}), ...(opts.memoryCapMb !== undefined ? { memoryCapMb: opts.memoryCapMb } : {}),
    });
    if (!o.ok) {
      const reason = o.reason.replace(/^run refused:/, 'trial refused:');
      throw new Error(f.kind === 'scenario' ? `scenario ${f.id}: ${reason}` : reason);
    }
    return trialResultOf(t, o.value, avf);
  };
}
