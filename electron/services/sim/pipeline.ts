/**
 * The simulations behind the `sim.*` and `data.images` channels, as plain functions of their
 * validated requests. They run inside the simulation worker thread (worker-entry.ts), never on the
 * main thread. Pipeline of `sim.run`: array spec -> network -> scenario validated for that array ->
 * run timeline -> scenario machine on the simulated clock -> fault schedule -> concrete faults ->
 * golden run -> faulty run -> per-layer stats and the view image's feature maps.
 */
import type { z } from 'zod';
import { specOf } from './pipeline-spec';
import type { ArraySpec } from '../../../sim/types';
import type { Network } from '../../../sim/layers/types';
import { timeline } from '../../../sim/engine/timeline';
import { runGolden, type GoldenRun } from '../../../sim/engine/golden';
import { runFaulty, type FaultyRun } from '../../../sim/engine/faulty';
import { planRun, type RunPlan } from '../../../sim/engine/faultyPlan';
import { layerCycles } from '../../../sim/cycles/cycles';
import { memoryLayout } from '../../../sim/memory/layout';
import { resolveFaults } from '../../../sim/faults/resolve';
import { createKernel } from '../../../sim/kernels/select';
import type { GemmKernel } from '../../../sim/kernels/types';
import { getArch, ARCHITECTURES } from '../../../models/nets';
import { materialize } from '../../../models/nets/init';
import { hasWeights, readWeights } from '../../../models/io/weights';
import { loadMnistSplit } from '../../../models/data/mnist';
import type { Split } from '../../../models/data/dataset';
import { MODELS } from '../../../models/registry';
import { parseProtection } from '../../../models/protections/spec';
import { validateScenario } from '../../../scenarios/validate';
import { runScenario } from '../../../scenarios/driver';
import { checkMemoryCap, MEMORY_CAP_ENV, parseMemoryCapMb } from '../../../sim/engine/memoryEstimate';
import type { ArrayInput, CyclesResponse, ImagesRequest, ImagesResponse, RunRequest, RunResponse } from '../../../ipc/sim-schemas';

/** A finished run kept in the worker for `sim.inspect`. */
export interface KeptRun {
  readonly spec: ArraySpec;
  readonly plan: RunPlan;
  readonly golden: GoldenRun;
  readonly faulty: FaultyRun;
  readonly nImages: number;
  readonly viewImage: number;
}

/** Reports progress: `done` of `total` steps with a message. */
export type Progress = (done: number, total: number, message: string) => void;

const networks = new Map<string, { net: Network; trained: boolean }>();
let mnist: Split | null = null;
let kernel: GemmKernel | null = null;

/** Network of a model id: committed trained weights when present, else seeded random weights (cached). */
export function networkOf(id: string): { net: Network; trained: boolean } {
  const hit = networks.get(id);
  if (hit) return hit;
  const arch = getArch(id);
  if (!arch) throw new Error(`model: expected one of ${Object.keys(ARCHITECTURES).join(', ')}, found "${id}"`);
  let entry: { net: Network; trained: boolean };
  if (hasWeights(id)) {
    const w = readWeights(id);
    if (!w.ok) throw new Error(`model ${id}: ${w.reason}`);
    entry = { net: w.value.net, trained: true };
  } else entry = { net: materialize(arch), trained: false };
  networks.set(id, entry);
  return entry;
}

const protectedNets = new Map<string, Network>();

/**
 * The network `sim.run` simulates for (model, protection): the model's network for `relu`, else the
 * committed protected weights via models/protections loadProtected (imported lazily: it pulls in
 * tfjs). Only network-level protections (bounds, weight transforms) are accepted.
 */
export async function protectedNetworkOf(model: string, protection: string): Promise<{ net: Network; trained: boolean; protection: string }> {
  const base = networkOf(model);
  const sp = parseProtection(protection);
  if (!sp.ok) throw new Error(sp.reason);
  const id = sp.value.id;
  if (id === 'relu') return { ...base, protection: id };
  if (sp.value.ecc || sp.value.ptq || sp.value.qat || sp.value.saq) throw new Error(`protection: "${id}" acts on the fault model or int8 formats, which sim.run does not model; expected one of the ids listed by catalog.protections`);
  const key = `${model}+${id}`;
  const hit = protectedNets.get(key);
  if (hit) return { net: hit, trained: base.trained, protection: id };
  const { loadProtected } = await import('../../../models/protections/io');
  const r = loadProtected(model, id, base.net);
  if (!r.ok) throw new Error(r.reason);
  protectedNets.set(key, r.value.net);
  return { net: r.value.net, trained: base.trained, protection: id };
}

function datasetOf(model: string): string {
  return MODELS.find((m) => m.id === model)?.dataset ?? 'none';
}

function mnistSplit(): Split {
  mnist ??= loadMnistSplit();
  return mnist;
}

/** Input batch of `n` images from `first`: the MNIST test set for MNIST models, else seeded noise. */
export function inputBatch(model: string, net: Network, first: number, n: number): { batch: Float32Array; labels: number[] | null } {
  const size = net.input.h * net.input.w * net.input.c;
  if (datasetOf(model) === 'mnist' && size === 784) {
    const test = mnistSplit().test;
    if (first + n > test.n) throw new Error(`firstImage: expected at most ${test.n - n} (test set has ${test.n} images), found ${first}`);
    return { batch: test.images.slice(first * size, (first + n) * size), labels: Array.from(test.labels.slice(first, first + n)) };
  }
  let s = (0x9e3779b9 + first) >>> 0;
  const batch = new Float32Array(n * size);
  for (let i = 0; i < batch.length; i++) {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    batch[i] = s / 2 ** 32;
  }
  return { batch, labels: null };
}

/** `data.images`: test-set images for the input picker. */
export function images(req: z.output<typeof ImagesRequest>): z.input<typeof ImagesResponse> {
  const { net } = networkOf(req.model);
  const shape: [number, number, number] = [net.input.h, net.input.w, net.input.c];
  if (datasetOf(req.model) !== 'mnist') return { dataset: 'none', total: 0, shape, images: [] };
  const test = mnistSplit().test;
  const size = 784;
  const out: { index: number; label: number; pixels: number[] }[] = [];
  for (let i = req.offset; i < Math.min(test.n, req.offset + req.count); i++) {
    out.push({ index: i, label: test.labels[i], pixels: Array.from(test.images.subarray(i * size, (i + 1) * size), (v) => Math.round(v * 1000) / 1000) });
  }
  return { dataset: 'mnist', total: test.n, shape, images: out };
}

/** `sim.cycles`: the cycle model of a model's network on an array. */
export function cycles(model: string, a: z.output<typeof ArrayInput>): z.input<typeof CyclesResponse> {
  const spec = specOf(a);
  const { net } = networkOf(model);
  const plan = planRun(net, spec);
  return {
    rows: spec.rows, cols: spec.cols, dataflow: spec.dataflow, inferenceCycles: plan.inferenceCycles,
    layers: plan.layers.map((l) => {
      const lc = l.gemm ? layerCycles({ name: l.name, gemm: l.gemm }, spec, l.start) : null;
      return {
        index: l.index, name: l.name, unit: l.unit, outShape: [l.outShape.h, l.outShape.w, l.outShape.c],
        gemm: l.gemm ? [l.gemm.M, l.gemm.K, l.gemm.N] : null,
        mapping: l.df ? [l.df.mapping.Sr, l.df.mapping.Sc, l.df.mapping.T] : null,
        rowFolds: l.df?.rowFolds ?? 0, colFolds: l.df?.colFolds ?? 0, foldCycles: l.df?.foldCycles ?? 0,
        start: l.start, cycles: l.cycles, macs: lc?.macs ?? 0,
        mappingEfficiency: lc?.mappingEfficiency ?? 0, computeUtilization: lc?.computeUtilization ?? 0,
      };
    }),
  };
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
const MAX_FAULTS_SHOWN = 2000;

function fmtName(spec: ArraySpec): string {
  return spec.format.kind === 'int8' ? `int8 Q${spec.format.intBits}.${spec.format.fracBits}` : spec.format.kind;
}

/** `sim.run`: golden vs faulty for a scenario; returns the reply and the run to keep for inspection. */
export async function run(req: z.output<typeof RunRequest>, runId: string, progress: Progress): Promise<{ reply: z.input<typeof RunResponse>; kept: KeptRun }> {
  const t0 = Date.now();
  const total = 5;
  const spec = specOf(req.array);
  progress(0, total, req.protection === 'relu' ? 'loading model' : `loading model (${req.protection})`);
  const { net, trained, protection } = await protectedNetworkOf(req.model, req.protection);
  const cap = parseMemoryCapMb(process.env[MEMORY_CAP_ENV]);
  if (!cap.ok) throw new Error(cap.reason);
  const mem = checkMemoryCap(net, req.images, cap.value, { format: spec.format });
  if (!mem.ok) throw new Error(`run refused: ${mem.reason}`);
  const scen = validateScenario(req.scenario.text, spec, { file: req.scenario.file });
  if (!scen.ok) throw new Error(`scenario is not valid for this array:\n${scen.reason}`);
  if (req.viewImage >= req.images) throw new Error(`viewImage: expected 0..${req.images - 1}, found ${req.viewImage}`);
  progress(1, total, 'running the scenario machine');
  const plan = planRun(net, spec);
  const tl = timeline(net, spec, req.images);
  const sr = runScenario(scen.value.file, spec, tl, req.seed === undefined ? {} : { seed: req.seed });
  if (!sr.ok) throw new Error(`scenario: ${sr.reason}`);
  const faults = resolveFaults(spec, sr.value.schedule, sr.value.seed);
  if (!faults.ok) throw new Error(`faults: ${faults.reason}`);
  progress(2, total, 'golden run');
  if (kernel === null) {
    const k = await createKernel('js');
    if (!k.ok) throw new Error(`kernel: ${k.reason}`);
    kernel = k.value;
  }
  const { batch, labels } = inputBatch(req.model, net, req.firstImage, req.images);
  const golden = runGolden(net, batch, spec, kernel);
  if (!golden.ok) throw new Error(`golden run: ${golden.reason}`);
  progress(3, total, `faulty run (${faults.value.length} concrete faults)`);
  const faulty = runFaulty(golden.value, spec, faults.value, { kernel });
  progress(4, total, 'collecting results');
  const v = req.viewImage;
  const last = net.layers.length - 1;
  const faultyPred: number[] = [];
  for (let i = 0; i < req.images; i++) {
    const o = faulty.output(last, i);
    let best = 0;
    for (let j = 1; j < o.length; j++) if (o[j] > o[best]) best = j;
    faultyPred.push(best);
  }
  const layout = memoryLayout(spec, net, plan);
  const layers = plan.layers.map((l, L) => {
    const gl = golden.value.layers[L];
    const size = l.outShape.h * l.outShape.w * l.outShape.c;
    const st = faulty.layers[L];
    return {
      index: L, name: l.name, kind: gl.kind, unit: l.unit, shape: [l.outShape.h, l.outShape.w, l.outShape.c] as [number, number, number],
      start: l.start, cycles: l.cycles, folds: l.folds.length,
      corrupted: st.corrupted, total: st.total, maxAbsDelta: finite(st.maxAbsDelta), relL2: finite(st.relL2),
      maskedInArray: st.maskedInArray, maskedByActivation: st.maskedByActivation, maskedDownstream: st.maskedDownstream,
      golden: Array.from(gl.output.subarray(v * size, (v + 1) * size), finite),
      faulty: Array.from(faulty.output(L, v), finite),
    };
  });
  const inSize = net.input.h * net.input.w * net.input.c;
  const reply: z.input<typeof RunResponse> = {
    runId, model: req.model, protection, trained, rows: spec.rows, cols: spec.cols, dataflow: spec.dataflow, format: fmtName(spec),
    images: req.images, viewImage: v, inferenceCycles: plan.inferenceCycles, totalCycles: faulty.cycles.total, seed: sr.value.seed,
    trace: sr.value.trace.map((t) => ({ cycle: t.cycle, state: t.state })),
    faults: faulty.faults.slice(0, MAX_FAULTS_SHOWN).map((f, i) => ({
      target: f.target, kind: f.kind, address: f.address, row: f.row, col: f.col, bits: [...f.bits],
      start: f.start, end: Number.isFinite(f.end) ? f.end : null, touches: faulty.faultTouches[i] ?? 0,
    })),
    faultCount: faulty.faults.length,
    sramWords: { ...layout.capacity },
    layers,
    input: Array.from(batch.subarray(v * inSize, (v + 1) * inSize)),
    inputShape: [net.input.h, net.input.w, net.input.c],
    goldenPredictions: Array.from(golden.value.predictions),
    faultyPredictions: faultyPred,
    labels,
    touchedImages: [...faulty.touchedImages],
    elapsedMs: Date.now() - t0,
  };
  progress(5, total, 'done');
  return { reply, kept: { spec, plan, golden: golden.value, faulty, nImages: req.images, viewImage: v } };
}
