/**
 * Public entry points of the faulty simulation: "run a network on the array with these faults"
 * and "which outputs does this register / word at this time touch" (for the GUI).
 */
import type { ArraySpec } from '../types';
import type { Network } from '../layers/types';
import type { GemmKernel } from '../kernels/types';
import { fail, ok, type Result } from '../result';
import type { FaultRecord } from '../faults/types';
import { applyScrubs, resolveFaults, type ScrubEvent } from '../faults/resolve';
import { memoryLayout } from '../memory/layout';
import type { Touch } from '../dataflow/schedule';
import { runGolden, type GoldenOptions, type GoldenRun } from './golden';
import { runFaulty, type FaultyRun } from './faulty';
import { planRun } from './faultyPlan';
import { isArrayKind } from './faultyCompute';
import { convGeom } from '../dataflow/scheduleGeom';
import { inferenceRange, touchesIn } from './faultyMods';
import { predictions } from './tensors';

/** Inputs of a faulty run. */
export interface RunRequest {
  readonly network: Network;
  readonly spec: ArraySpec;
  /** n images, NHWC, batch-major (one inference per image, back to back). */
  readonly images: Float32Array;
  /** Declared faults (cycles are absolute from the run start; see timeline.ts). */
  readonly faults: readonly FaultRecord[];
  /** Seed for random locations / bits (default 0). */
  readonly seed?: number;
  /** SRAM scrubs: the SRAM rewritten with correct values at a cycle (a scenario's `scrub` actions,
   * ScenarioRun.scrubs). A flip or a forced value held in a word is gone from the scrub on. */
  readonly scrubs?: readonly ScrubEvent[];
  /** Kernel of the golden run. */
  readonly kernel: GemmKernel;
  /** A golden run already computed for the same network, images and format (skips recomputing it). */
  readonly golden?: GoldenRun;
  readonly goldenOptions?: GoldenOptions;
}

/** Golden and faulty results of a run, with top-1 predictions of both. */
export interface RunOutcome {
  readonly golden: GoldenRun;
  readonly faulty: FaultyRun;
  /** Top-1 class per image, golden / faulty. */
  readonly goldenTop1: Int32Array;
  readonly faultyTop1: Int32Array;
  /** Per image: 1 when ECC detected an uncorrectable error in that inference (a DUE: its own outcome,
   * whatever faultyTop1 says). All zero without spec.ecc. */
  readonly due: Uint8Array;
}

/** Runs the network with the faults: golden run (fast kernel), fault resolution, faulty engine. */
export function runWithFaults(req: RunRequest): Result<RunOutcome> {
  const golden = req.golden ?? (() => {
    const g = runGolden(req.network, req.images, req.spec, req.kernel, req.goldenOptions);
    return g.ok ? g.value : g;
  })();
  if ('ok' in golden) return golden;
  const concrete = resolveFaults(req.spec, req.faults, req.seed ?? 0);
  if (!concrete.ok) return concrete;
  const faulty = runFaulty(golden, req.spec, applyScrubs(concrete.value, req.scrubs ?? []), { kernel: req.kernel });
  const last = golden.layers.length - 1;
  const classes = golden.output.length / golden.n;
  const faultyTop1 = golden.predictions.slice();
  for (const img of faulty.touchedImages) faultyTop1[img] = predictions(faulty.output(last, img), 1, classes)[0];
  return ok({ golden, faulty, goldenTop1: golden.predictions, faultyTop1, due: faulty.due });
}

/** Terms one fault touches in one (inference, layer): output (m, n) per Touch, `k` and operand. */
export interface LayerTouches {
  readonly inference: number;
  readonly layer: number;
  readonly layerName: string;
  readonly touches: readonly Touch[];
}

/**
 * Which outputs a register / SRAM word touches in its window: for one declared fault (location
 * must be concrete, not random), every (inference, array layer) it reaches with the GEMM terms it
 * modifies: output (m, n), the term index k (w/x), the accumulation step (acc), or the stored
 * output word (out). `nImages` bounds the run (default: enough inferences to cover the window).
 */
export function faultTouches(spec: ArraySpec, network: Network, fault: FaultRecord, nImages?: number): Result<LayerTouches[]> {
  if (fault.location.kind === 'random') return fail('location: expected a concrete address or PE, found "random"', 'location');
  const concrete = resolveFaults(spec, [fault]);
  if (!concrete.ok) return concrete;
  const plan = planRun(network, spec);
  const layout = memoryLayout(spec, network, plan);
  const P = plan.inferenceCycles;
  const end = fault.window.end ?? fault.window.start + 1;
  const n = nImages ?? Math.max(1, Math.ceil(end / Math.max(1, P)));
  const out: LayerTouches[] = [];
  for (const run of plan.layers) {
    const layer = network.layers[run.index];
    if (!isArrayKind(layer)) continue;
    const g = convGeom(layer, run.inShape, run.outShape);
    for (const f of concrete.value) {
      const [lo, hi] = inferenceRange(plan, run.index, layout, f, n);
      for (let img = lo; img <= hi; img++) {
        const touches = touchesIn(plan, run.index, g, layout, img * P + run.start, f);
        if (touches.length > 0) out.push({ inference: img, layer: run.index, layerName: run.name, touches });
      }
    }
  }
  out.sort((a, b) => a.inference - b.inference || a.layer - b.layer);
  return ok(out);
}
