/**
 * The simulations behind the `sim.*` and `data.images` channels, as plain functions of their
 * validated requests. They run inside the simulation worker thread (worker-entry.ts), never on the
 * main thread. `sim.run` only translates: the IPC request becomes a declared run of the one run
 * pipeline (pipeline/run.ts: the same pipeline as `faultline run` and campaign trials), and its
 * outcome becomes the reply. User mistakes come back as RequestError (IPC `bad-request`, naming
 * the request field); anything else is `internal`.
 */
import type { z } from 'zod';
import { specOf } from './pipeline-spec';
import type { ArraySpec } from '../../../sim/types';
import type { Network } from '../../../sim/layers/types';
import type { GoldenRun } from '../../../sim/engine/golden';
import type { FaultyRun } from '../../../sim/engine/faulty';
import { planRun, type RunPlan } from '../../../sim/engine/faultyPlan';
import { layerCycles } from '../../../sim/cycles/cycles';
import { memoryLayout } from '../../../sim/memory/layout';
import type { Failure } from '../../../sim/result';
import { loadModelResult } from '../../../models/io/load';
import { datasetOf, inputBatch as pipelineInputs, mnistSplit, runPipeline } from '../../../pipeline';
import type { ArrayInput, CyclesResponse, ImagesRequest, ImagesResponse, RunRequest, RunResponse } from '../../../ipc/sim-schemas';
import { RequestError } from './errors';

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

/** Network of a model id: committed trained weights when present, else seeded random weights (cached by models/io). */
export function networkOf(id: string): { net: Network; trained: boolean } {
  const r = loadModelResult(id, { allowUntrained: true });
  if (!r.ok) throw new RequestError(r.reason, 'model');
  return { net: r.value.net, trained: r.value.meta !== null };
}

/** Input batch of `n` images from `first` (pipeline/inputs.ts): the MNIST test set for MNIST models, else seeded noise. */
export function inputBatch(model: string, net: Network, first: number, n: number): { batch: Float32Array; labels: number[] | null } {
  const r = pipelineInputs(model, net, first, n);
  if (!r.ok) throw new RequestError(r.reason.replace(/^images(\.start)?:/, 'firstImage:'), 'firstImage');
  return { batch: r.value.batch, labels: r.value.labels ? Array.from(r.value.labels) : null };
}

/** `data.images`: test-set images for the input picker. */
export function images(req: z.output<typeof ImagesRequest>): z.input<typeof ImagesResponse> {
  const { net } = networkOf(req.model);
  const shape: [number, number, number] = [net.input.h, net.input.w, net.input.c];
  // H6: an imported .onnx model with a 784-pixel input runs on the MNIST test split (pipeline/inputs.ts): show it
  if (datasetOf(req.model) !== 'mnist' && !(/\.onnx$/i.test(req.model) && shape[0] * shape[1] * shape[2] === 784)) return { dataset: 'none', total: 0, shape, images: [] };
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

/** Request field of a pipeline failure path (declaration field -> `sim.run` request field). */
function requestField(f: Failure): string {
  const root = (f.path ?? '').split('.')[0]!;
  if (root === 'faults') return 'scenario';
  if (root === 'images') return f.path === 'images.start' ? 'firstImage' : 'images';
  if (root === 'format') return 'array.format';
  return root === '' ? 'request' : root;
}

/** `sim.run`: golden vs faulty for a scenario; returns the reply and the run to keep for inspection. */
export async function run(req: z.output<typeof RunRequest>, runId: string, progress: Progress): Promise<{ reply: z.input<typeof RunResponse>; kept: KeptRun }> {
  const t0 = Date.now();
  const total = 3;
  const a = specOf(req.array);
  if (req.viewImage >= req.images) throw new RequestError(`viewImage: expected 0..${req.images - 1}, found ${req.viewImage}`, 'viewImage');
  progress(0, total, req.protection === 'relu' ? 'loading model' : `loading model (${req.protection})`);
  progress(1, total, 'golden and faulty runs');
  const r = await runPipeline({
    model: req.model, protection: req.protection, format: a.format,
    array: { rows: a.rows, cols: a.cols, dataflow: a.dataflow, sram: a.sram },
    faults: { kind: 'scenario', text: req.scenario.text, ...(req.scenario.file ? { file: req.scenario.file } : {}), ...(req.seed !== undefined ? { seed: req.seed } : {}) },
    images: { start: req.firstImage, count: req.images },
    ...(req.kernel ? { kernel: req.kernel } : {}),
  });
  if (!r.ok) {
    const field = requestField(r);
    throw new RequestError(field === 'scenario' && !r.reason.startsWith('scenario') ? `scenario is not valid for this array:\n${r.reason}` : r.reason, field);
  }
  const o = r.value;
  const spec = o.spec;
  const plan = o.plan;
  const net = o.network;
  const golden = o.golden;
  const faulty = o.faulty.engine!;
  const sr = o.scenario!;
  progress(2, total, 'collecting results');
  const v = req.viewImage;
  const layout = memoryLayout(spec, net, plan);
  const layers = plan.layers.map((l, L) => {
    const gl = golden.layers[L];
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
  const dueImages: number[] = [];
  o.faulty.due.forEach((d, i) => { if (d) dueImages.push(i); });
  const reply: z.input<typeof RunResponse> = {
    runId, model: req.model, protection: o.protection.id, trained: o.trained, rows: spec.rows, cols: spec.cols, dataflow: spec.dataflow, format: fmtName(spec),
    images: req.images, viewImage: v, inferenceCycles: plan.inferenceCycles, totalCycles: faulty.cycles.total, seed: sr.seed,
    trace: sr.trace.map((t) => ({ cycle: t.cycle, state: t.state })),
    faults: faulty.faults.slice(0, MAX_FAULTS_SHOWN).map((f, i) => ({
      target: f.target, kind: f.kind, address: f.address, row: f.row, col: f.col, bits: [...f.bits],
      // shown window: [start, readEnd ?? end) (an SEU hits the value held at start; reads see it until readEnd)
      start: f.start, end: ((e) => (Number.isFinite(e) ? e : null))((f as typeof f & { readEnd?: number }).readEnd ?? f.end), touches: faulty.faultTouches[i] ?? 0,
    })),
    faultCount: faulty.faults.length,
    sramWords: { ...layout.capacity },
    layers,
    input: Array.from(o.batch.subarray(v * inSize, (v + 1) * inSize)),
    inputShape: [net.input.h, net.input.w, net.input.c],
    goldenPredictions: Array.from(golden.predictions),
    faultyPredictions: Array.from(o.faulty.predictions),
    labels: o.labels ? Array.from(o.labels) : null,
    touchedImages: [...faulty.touchedImages],
    elapsedMs: Date.now() - t0,
    kernel: o.kernel,
    ...(dueImages.length ? { dueImages } : {}),
  };
  progress(3, total, 'done');
  return { reply, kept: { spec, plan, golden, faulty, nImages: req.images, viewImage: v } };
}
