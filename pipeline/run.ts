/**
 * `runPipeline`: the one run pipeline. Declared run -> array spec (with SEC-DED on the three SRAMs
 * when the protection has `ecc`) -> (protected) network -> input images -> golden run on the kernel
 * (cached per process) -> faults (scenario machine on the simulated clock, a fault set, or a BER
 * point) -> faulty results: the faulty engine for everything in the cycle model, or the static
 * weight-SRAM corruption (pipeline/exposure.ts) for weightSram BER points.
 * Failures come back as Result values whose `path` names the declaration field.
 */
import { parseArraySpec } from '../sim/array/spec';
import type { ArraySpec } from '../sim/types';
import { runGolden, type GoldenOptions, type GoldenRun } from '../sim/engine/golden';
import { runFaulty } from '../sim/engine/faulty';
import { planRun, type RunPlan } from '../sim/engine/faultyPlan';
import { timelineOfPlan } from '../sim/engine/timeline';
import { checkMemoryCap, MEMORY_CAP_ENV, parseMemoryCapMb } from '../sim/engine/memoryEstimate';
import { resolveFaults } from '../sim/faults/resolve';
import type { FaultRecord, FaultTarget } from '../sim/faults/types';
import { fail, ok, type Result } from '../sim/result';
import { uniformFormats } from '../sim/format/accumulator';
import type { Network } from '../sim/layers/types';
import { loadScenarioFile } from '../scenarios/io/load';
import { validateScenario } from '../scenarios/validate';
import { runScenario } from '../scenarios/driver';
import type { ScenarioRun } from '../scenarios/types';
import { kernelFor, resolveKernelName } from './kernels';
import { goldenOptionsOf, overheadOfRun, runNetwork } from './network';
import { inputBatch } from './inputs';
import { berRecords } from './ber';
import { exposeWeightSramPatches } from './exposure';
import { engineOutcome, staticOutcome } from './outcome';
import { rerunCorrupted, rerunPatched } from './rerun';
import type { DrawDefinition, PipelineOutcome, RunDeclaration } from './types';

const GOLDEN_CACHE = 8;
const goldens = new Map<string, GoldenRun>();

/** Golden run of (network, images, format, golden options, kernel), cached per process (least recently added dropped). */
function goldenOf(key: string, make: () => Result<GoldenRun>): Result<GoldenRun> {
  const hit = goldens.get(key);
  if (hit) return ok(hit);
  const g = make();
  if (!g.ok) return g;
  if (goldens.size >= GOLDEN_CACHE) goldens.delete(goldens.keys().next().value!);
  goldens.set(key, g.value);
  return g;
}

/** Network identity for cache keys (the object itself: networks are cached and never mutated). */
const netIds = new WeakMap<Network, number>();
let nextNetId = 0;
const netId = (n: Network): number => {
  let id = netIds.get(n);
  if (id === undefined) netIds.set(n, (id = nextNetId++));
  return id;
};

const plans = new Map<string, RunPlan>();

/** The run plan of (network, spec), cached per process (a few entries). */
function planOf(net: Network, spec: ArraySpec): RunPlan {
  const key = `${netId(net)}|${JSON.stringify(spec)}`;
  let p = plans.get(key);
  if (!p) {
    if (plans.size >= 16) plans.delete(plans.keys().next().value!);
    plans.set(key, (p = planRun(net, spec)));
  }
  return p;
}

/** The array spec of a declaration; SEC-DED on every SRAM when `ecc`. */
export function specOfDeclaration(d: Pick<RunDeclaration, 'array' | 'format'>, ecc: boolean): Result<ArraySpec> {
  const s = parseArraySpec({ rows: d.array.rows, cols: d.array.cols, dataflow: d.array.dataflow, format: d.format, ...(d.array.sram ? { sram: d.array.sram } : {}) });
  if (!s.ok) return fail(`array: ${s.reason}`, s.path ? `array.${s.path}` : 'array');
  return ok(ecc ? { ...s.value, ecc: { weightSram: true, ifmapSram: true, ofmapSram: true } } : s.value);
}

/** Runs a declared run; see the module doc. */
export async function runPipeline(d: RunDeclaration): Promise<Result<PipelineOutcome>> {
  const kname = resolveKernelName(d.kernel);
  if (!kname.ok) return kname;
  const rn = await runNetwork(d.model, d.protection ?? 'relu');
  if (!rn.ok) return rn;
  const { net, protection } = rn.value;
  const spec = specOfDeclaration(d, protection.ecc);
  if (!spec.ok) return spec;
  const cap = parseMemoryCapMb(d.memoryCapMb ?? process.env[MEMORY_CAP_ENV]);
  if (!cap.ok) return fail(cap.reason, 'memoryCapMb');
  const mem = checkMemoryCap(net, d.images.count, cap.value, { format: spec.value.format, kernel: kname.value, array: { rows: spec.value.rows, cols: spec.value.cols },
    berScratch: d.faults.kind === 'ber' && d.faults.target === 'weightSram' });
  if (!mem.ok) return fail(`run refused: ${mem.reason}`, 'images.count');
  const input = inputBatch(d.model, net, d.images.start, d.images.count, d.images.data);
  if (!input.ok) return input;
  const kernel = await kernelFor(kname.value);
  if (!kernel.ok) return fail(`kernel: ${kernel.reason}`, 'kernel');
  let options: GoldenOptions;
  try {
    options = await goldenOptionsOf(rn.value, spec.value.format);
  } catch (e) {
    return fail(`protection: int8 calibration failed: ${(e as Error).message}`, 'protection');
  }
  const f = spec.value.format;
  const fk = f.kind === 'int8' ? `int8(${f.intBits}.${f.fracBits})` : f.kind;
  const golden = goldenOf(JSON.stringify([netId(net), fk, d.images.start, d.images.count, d.model, kname.value, !!options.layerFormats, d.images.data ?? null]),
    () => runGolden(net, input.value.batch, spec.value, kernel.value, options));
  if (!golden.ok) return fail(`golden run: ${golden.reason}`, golden.path ?? 'model');
  const plan = planOf(net, spec.value);
  const n = d.images.count;
  const base = {
    model: d.model, trained: rn.value.trained, protection, network: net, spec: spec.value, plan, kernel: kname.value,
    batch: input.value.batch, labels: input.value.labels, golden: golden.value, overhead: overheadOfRun(rn.value, spec.value),
  };
  const src = d.faults;
  if (src.kind === 'ber' && src.definition === 'rrelu') {
    // the RReLU authors' fault model: stored parameters as Q15.16 words, per-tensor fault counts
    if (src.target !== 'weightSram') return fail(`faults.definition: "rrelu" models the stored parameters: expected target weightSram, found ${src.target}`, 'faults.definition');
    if (protection.ecc) return fail('faults.definition: "rrelu" has no ECC model: expected a protection without ecc', 'faults.definition');
    const { corruptRreluModel } = await import('../models/protections/exposure');
    let e;
    try {
      e = corruptRreluModel(net, src.ber, src.faultKind, src.seed, true);
    } catch (err) {
      return fail(`faults.ber: ${(err as Error).message}`, 'faults.ber');
    }
    const fr = e.stats.faults === 0 ? ok(golden.value) : rerunCorrupted(golden.value, e.network, spec.value, kernel.value, options);
    if (!fr.ok) return fail(`faulty run: ${fr.reason}`, 'faults');
    return ok({ ...base, faulty: staticOutcome(golden.value, fr.value, new Uint8Array(n)), faultCount: e.stats.faults, faultsByTarget: e.stats.faults > 0 ? { weightSram: e.stats.faults } : {}, concrete: [], scenario: null });
  }
  if (src.kind === 'ber' && src.target === 'weightSram') {
    const storage = (i: number): { weight: typeof f; output: typeof f } => options.layerFormats?.(net.layers[i]!, i) ?? uniformFormats(f);
    let e;
    try {
      e = exposeWeightSramPatches(net, storage, src.ber, src.definition as DrawDefinition, src.faultKind, src.seed, { ecc: protection.ecc });
    } catch (err) {
      return fail(`faults.ber: ${(err as Error).message}`, 'faults.ber');
    }
    // incremental (pipeline/rerun.ts; same bits as a full run): golden layers up to the first changed
    // one, only changed channels where few are, no rerun past a layer where the change was masked
    const fr = e.faults === 0 ? ok(golden.value) : rerunPatched(golden.value, e, spec.value, kernel.value, options);
    if (!fr.ok) return fail(`faulty run: ${fr.reason}`, 'faults');
    const due = new Uint8Array(n).fill(e.detected > 0 ? 1 : 0);
    return ok({ ...base, faulty: staticOutcome(golden.value, fr.value, due), faultCount: e.faults, faultsByTarget: e.faults > 0 ? { weightSram: e.faults } : {}, concrete: [], scenario: null });
  }
  let records: readonly FaultRecord[] = [];
  let seed = 0;
  let scenario: ScenarioRun | null = null;
  if (src.kind === 'ber') {
    try {
      records = berRecords(spec.value, src.target, src.ber, src.definition as DrawDefinition, src.faultKind, plan.inferenceCycles * n, src.seed);
    } catch (err) {
      return fail(`faults.ber: ${(err as Error).message}`, 'faults.ber');
    }
    seed = src.seed;
  } else if (src.kind === 'faults') {
    records = src.records;
    seed = src.seed;
  } else if (src.kind === 'scenario') {
    const sc = src.text !== undefined ? validateScenario(src.text, spec.value, src.file !== undefined ? { file: src.file } : {})
      : src.path !== undefined ? loadScenarioFile(src.path, spec.value) : fail('faults: a scenario needs its text or path', 'faults');
    if (!sc.ok) return fail(sc.reason, sc.path ? `faults.scenario.${sc.path}` : 'faults.scenario');
    const sr = runScenario(sc.value.file, spec.value, timelineOfPlan(plan, n), src.seed === undefined ? {} : { seed: src.seed });
    if (!sr.ok) return fail(`scenario: ${sr.reason}`, 'faults.scenario');
    scenario = sr.value;
    records = sr.value.schedule;
    seed = sr.value.seed;
  }
  const concrete = resolveFaults(spec.value, records, seed);
  if (!concrete.ok) return fail(concrete.reason, concrete.path ? `faults.${concrete.path}` : 'faults');
  const byTarget: Partial<Record<FaultTarget, number>> = {};
  for (const c of concrete.value) byTarget[c.target] = (byTarget[c.target] ?? 0) + 1;
  const run = runFaulty(golden.value, spec.value, concrete.value, { kernel: kernel.value });
  return ok({ ...base, faulty: engineOutcome(golden.value, run), faultCount: concrete.value.length, faultsByTarget: byTarget, concrete: concrete.value, scenario });
}
