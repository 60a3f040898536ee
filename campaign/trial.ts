/**
 * The real TrialRunner on the simulator engine (one per worker thread). Loads each model, the
 * MNIST test split and a GEMM kernel once, caches golden runs per (model, protection, format,
 * array, test slice), and per trial:
 * - weightSram BER points: static weight-memory corruption (campaign/trial-faults.ts), then a
 *   full fast-kernel inference of the corrupted network compared layer by layer with golden;
 * - other BER targets and scenario points: FaultRecords (drawn, or from the scenario machine run
 *   along the inference timeline) resolved with the trial seed and run through the faulty engine,
 *   which recomputes only what the faults reach.
 * Kernel: the pure-JS reference by default, so results are bit-identical on every machine
 * (override with FAULTLINE_CAMPAIGN_KERNEL=tfjs-wasm|gpujs for speed on one machine).
 * Protections: models/protections/io.ts `loadProtected` gives the protected network (saved by
 * `npm run protect`, or Ranger calibrated on the fly); for every protection other than "relu" the
 * weight-SRAM corruption is models/protections/exposure.ts `corruptStored`, which also exposes the
 * stored bounds and applies SEC-DED when the protection has `ecc`; the overhead is reported.
 * int8 points of `ptq` / `saq` protections run with per-layer Qm.n from PTQ on the calibration set.
 */
import type { KernelBackendName, GemmKernel } from '../sim/kernels/types';
import { createKernel } from '../sim/kernels/select';
import { tfjsWasmDir } from '../cli/wasm-path';
import { runGolden, type GoldenRun } from '../sim/engine/golden';
import { checkMemoryCap, MEMORY_CAP_ENV, parseMemoryCapMb } from '../sim/engine/memoryEstimate';
import { runFaulty } from '../sim/engine/faulty';
import { planRun } from '../sim/engine/faultyPlan';
import { timelineOfPlan } from '../sim/engine/timeline';
import { diffStats, predictions } from '../sim/engine/tensors';
import { resolveFaults } from '../sim/faults/resolve';
import type { FaultRecord, FaultTarget } from '../sim/faults/types';
import { parseArraySpec } from '../sim/array/spec';
import type { Network } from '../sim/layers/types';
import type { ArraySpec } from '../sim/types';
import { hasWeights, readWeights } from '../models/io/weights';
import { getArch } from '../models/nets';
import { materialize } from '../models/nets/init';
import { loadMnistSplit } from '../models/data/mnist';
import type { Dataset } from '../models/data/dataset';
import { loadScenarioFile } from '../scenarios/io/load';
import { runScenario } from '../scenarios/driver';
import { berRecords, corruptWeights } from './trial-faults';
import { calibratedPtq, ensureTfBackend, loadProtected } from '../models/protections/io';
import type { GoldenOptions } from '../sim/engine/golden';
import { corruptStored } from '../models/protections/exposure';
import { overheadOf, type OverheadReport } from '../models/protections/overhead';
import type { ProtectionSpec } from '../models/protections/spec';
import type { LayerStat, TrialResult, TrialRunner, TrialSpec } from './types';
import { avfTrial } from './avf';
import { dueFlags } from './avf-engine';
import { classifyOutcomes, type OutcomeCounts } from './outcomes';

/** Options of the engine runner. */
export interface EngineRunnerOptions {
  /** GEMM backend for golden runs (default: env FAULTLINE_CAMPAIGN_KERNEL, else "js"). */
  readonly kernel?: KernelBackendName;
  /** Golden runs kept in memory per worker (default 8). */
  readonly goldenCache?: number;
  /** Memory cap of one trial's run, MiB (default: FAULTLINE_MEMORY_CAP_MB, else 4096); over it the trial is refused. */
  readonly memoryCapMb?: number;
}

interface Golden {
  readonly net: Network;
  readonly protection: ProtectionSpec;
  /** Overhead vs the unprotected model; null for "relu". */
  readonly overhead: OverheadReport | null;
  /** Golden options (per-layer int8 formats for `ptq` / `saq` protections on int8 points). */
  readonly options: GoldenOptions;
  readonly spec: ArraySpec;
  readonly run: GoldenRun;
  readonly labels: Uint8Array;
  readonly batch: Float32Array;
}

function loadBase(model: string): Network {
  if (hasWeights(model)) {
    const r = readWeights(model);
    if (!r.ok) throw new Error(`model ${model}: ${r.reason}`);
    return r.value.net;
  }
  const arch = getArch(model);
  if (!arch) throw new Error(`model "${model}": unknown (see models/registry.ts)`);
  return materialize(arch); // seeded random weights (architecture-only study)
}

/** The (protected) network of a campaign point and its parsed protection. */
function loadNetwork(model: string, protection: string): { net: Network; protection: ProtectionSpec } {
  const r = loadProtected(model, protection, loadBase(model));
  if (!r.ok) throw new Error(r.reason);
  return { net: r.value.net, protection: r.value.spec };
}

/** Images whose output differs, per layer, from golden and faulty full-batch outputs. */
function layerCompare(g: GoldenRun, faultyOut: (layer: number) => Float32Array, n: number): { stats: LayerStat[]; lastDiff: Int32Array } {
  const lastDiff = new Int32Array(n).fill(-1);
  const stats = g.layers.map((gl, L) => {
    const f = faultyOut(L);
    const d = diffStats(gl.output, f);
    if (d.changed > 0) {
      const size = gl.output.length / n;
      for (let i = 0; i < n; i++) {
        for (let k = i * size; k < (i + 1) * size; k++) {
          const a = gl.output[k]!, b = f[k]!;
          if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) { lastDiff[i] = L; break; }
        }
      }
    }
    return { name: gl.name, corruptedShare: d.changed / gl.output.length, maxAbsDelta: d.maxAbsDelta, relL2: d.relL2 };
  });
  return { stats, lastDiff };
}

/** Builds the engine-backed TrialRunner (models, data and kernel loaded lazily, once per process). */
export function createEngineRunner(opts: EngineRunnerOptions = {}): TrialRunner {
  const kernelName = opts.kernel ?? ((process.env.FAULTLINE_CAMPAIGN_KERNEL as KernelBackendName | undefined) || 'js');
  let kernel: Promise<GemmKernel> | undefined;
  let test: Dataset | undefined;
  const nets = new Map<string, { net: Network; protection: ProtectionSpec }>();
  const goldens = new Map<string, Golden>();
  const getKernel = (): Promise<GemmKernel> =>
    (kernel ??= createKernel(kernelName, { wasmDir: tfjsWasmDir() }).then((r) => { if (!r.ok) throw new Error(r.reason); return r.value; }));

  async function golden(t: TrialSpec): Promise<Golden> {
    const p = t.point;
    const key = JSON.stringify([p.model, p.protection, p.formatKey, t.array, t.testSet]);
    const hitG = goldens.get(key);
    if (hitG) return hitG;
    const nk = `${p.model}|${p.protection}`;
    let loaded = nets.get(nk);
    if (!loaded) { await ensureTfBackend(); loaded = loadNetwork(p.model, p.protection); nets.set(nk, loaded); }
    const net = loaded.net;
    const spec = parseArraySpec({ ...t.array, format: p.format });
    if (!spec.ok) throw new Error(`array: ${spec.reason}`);
    test ??= loadMnistSplit().test;
    const size = net.input.h * net.input.w * net.input.c;
    if (t.testSet.start + t.testSet.count > test.n) throw new Error(`testSet: expected start + count <= ${test.n} test images, found ${t.testSet.start + t.testSet.count}`);
    const cap = parseMemoryCapMb(opts.memoryCapMb ?? process.env[MEMORY_CAP_ENV]);
    if (!cap.ok) throw new Error(cap.reason);
    const mem = checkMemoryCap(net, t.testSet.count, cap.value, { format: p.format });
    if (!mem.ok) throw new Error(`trial refused: ${mem.reason}`);
    const batch = test.images.slice(t.testSet.start * size, (t.testSet.start + t.testSet.count) * size);
    const ptqFormats = p.format.kind === 'int8' && loaded.protection.ptq ? (await ensureTfBackend(), calibratedPtq(net)) : null;
    const options: GoldenOptions = ptqFormats ? { layerFormats: ptqFormats.layerFormats } : {};
    const run = runGolden(net, batch, spec.value, await getKernel(), options);
    if (!run.ok) throw new Error(run.reason);
    const overhead = p.protection === 'relu' ? null : overheadOf(net, loaded.protection, spec.value);
    const g = { net, protection: loaded.protection, overhead, options, spec: spec.value, run: run.value, labels: test.labels.slice(t.testSet.start, t.testSet.start + t.testSet.count), batch };
    if (goldens.size >= (opts.goldenCache ?? 8)) goldens.delete(goldens.keys().next().value!);
    goldens.set(key, g);
    return g;
  }

  return async (t: TrialSpec): Promise<TrialResult> => {
    const g = await golden(t);
    const n = g.run.n;
    const plan = planRun(g.net, g.spec);
    const f = t.point.fault;
    let faultyPred: Int32Array;
    let cmp: { stats: LayerStat[]; lastDiff: Int32Array };
    let faults: number;
    let outcomes: OutcomeCounts;
    let avf: TrialResult['avf'];
    const byTarget: Partial<Record<FaultTarget, number>> = {};
    if (f.kind === 'ber' && f.target === 'weightSram') {
      const c = t.point.protection === 'relu'
        ? corruptWeights(g.net, g.spec, f.ber, f.definition, f.faultKind, t.seed)
        : (({ network, stats }) => ({ network, faults: stats.faults }))(corruptStored(g.net, g.spec.format, f.ber, f.definition, f.faultKind, t.seed,
          { ecc: g.protection.ecc, layerFormat: g.options.layerFormats ? (i) => g.options.layerFormats!(g.net.layers[i]!, i) : undefined }));
      faults = c.faults;
      if (faults > 0) byTarget.weightSram = faults;
      const fr = faults === 0 ? { ok: true as const, value: g.run } : runGolden(c.network, g.batch, g.spec, await getKernel(), g.options);
      if (!fr.ok) throw new Error(fr.reason);
      faultyPred = fr.value.predictions;
      outcomes = classifyOutcomes({ golden: g.run.output, faulty: fr.value.output, n, outSize: g.run.output.length / n, critical: t.criticalClasses, ...(t.due ? { rule: t.due } : {}) });
      cmp = layerCompare(g.run, (L) => fr.value.layers[L]!.output, n);
    } else {
      let records: FaultRecord[];
      if (f.kind === 'ber') {
        records = berRecords(g.spec, f.target as Exclude<FaultTarget, 'weightSram'>, f.ber, f.definition, f.faultKind, plan.inferenceCycles * n, t.seed);
      } else if (f.kind === 'avf') {
        const a = avfTrial(g.spec, g.net, f.target, n, t.seed); // one SEU site (campaign/avf.ts)
        records = [a.record];
        avf = { bits: a.domain.units * a.domain.bitsPerUnit, cycles: a.domain.cycles };
      } else {
        const sc = loadScenarioFile(f.file, g.spec);
        if (!sc.ok) throw new Error(sc.reason);
        const sr = runScenario(sc.value.file, g.spec, timelineOfPlan(plan, n), { seed: t.seed });
        if (!sr.ok) throw new Error(`scenario ${f.id}: ${sr.reason}`);
        records = [...sr.value.schedule];
      }
      const concrete = resolveFaults(g.spec, records, t.seed);
      if (!concrete.ok) throw new Error(concrete.reason);
      faults = concrete.value.length;
      for (const c of concrete.value) byTarget[c.target] = (byTarget[c.target] ?? 0) + 1;
      const fr = runFaulty(g.run, g.spec, concrete.value, { kernel: await getKernel() });
      const last = g.run.layers.length - 1;
      const outSize = g.run.output.length / n;
      const out = g.run.output.slice();
      for (const img of fr.touchedImages) out.set(fr.output(last, img), img * outSize);
      faultyPred = predictions(out, n, outSize);
      const due = dueFlags(fr);
      outcomes = classifyOutcomes({ golden: g.run.output, faulty: out, n, outSize, critical: t.criticalClasses, ...(due ? { due } : {}), ...(t.due ? { rule: t.due } : {}) });
      const lastDiff = new Int32Array(n).fill(-1);
      fr.diffs.forEach((ds, L) => { for (const d of ds) if (d.indices.length > 0) lastDiff[d.image] = Math.max(lastDiff[d.image]!, L); });
      cmp = {
        stats: fr.layers.map((l) => ({ name: l.name, corruptedShare: l.total ? l.corrupted / l.total : 0, maxAbsDelta: l.maxAbsDelta, relL2: l.relL2 })),
        lastDiff,
      };
    }
    const gp = g.run.predictions;
    let goldenCorrect = 0, faultyCorrect = 0, sdc = 0, criticalSdc = 0;
    const maskedAt: Record<string, number> = {};
    const lastLayer = g.run.layers.length - 1;
    for (let i = 0; i < n; i++) {
      const label = g.labels[i]!;
      if (gp[i] === label) goldenCorrect++;
      if (faultyPred[i] === label) faultyCorrect++;
      if (gp[i] === label && faultyPred[i] !== gp[i]) {
        sdc++;
        if (t.criticalClasses.includes(gp[i]!) || t.criticalClasses.includes(faultyPred[i]!)) criticalSdc++;
      }
      const L = cmp.lastDiff[i]!;
      const k = L < 0 ? '(none)' : L === lastLayer ? '(output)' : g.run.layers[L]!.name;
      maskedAt[k] = (maskedAt[k] ?? 0) + 1;
    }
    let macs = 0;
    for (const l of g.run.layers) if (l.gemm) macs += l.gemm.M * l.gemm.K * l.gemm.N;
    const cycles = plan.inferenceCycles + (g.overhead?.extraCycles ?? 0);
    return {
      images: n, goldenCorrect, faultyCorrect, sdc, criticalSdc, faultsInjected: faults, faultsByTarget: byTarget,
      layers: cmp.stats, maskedAt, outcomes, ...(avf ? { avf } : {}), cycles, utilization: cycles > 0 ? macs / (cycles * g.spec.rows * g.spec.cols) : 0,
      ...(g.overhead ? { overhead: { extraParams: g.overhead.extraParams, extraBytes: g.overhead.extraBytes, extraCycles: g.overhead.extraCycles } } : {}),
    };
  };
}
