/**
 * Bench (c): a faulty run of LeNet-5 on 1,000 MNIST images with 10 random weight-SRAM SEUs (random
 * address, bit and cycle over the whole run, seeded) vs the golden run on the same batch, both on
 * the kernel selected at start-up. The faulty run is measured end to end: golden run, fault
 * resolution and the faulty engine (which recomputes only the images and outputs the SEUs reach).
 * Target ratio <= 1.25. Also shown: the faulty engine alone on a precomputed golden run.
 */
import { runGolden } from '../../sim/engine/golden';
import { runFaulty } from '../../sim/engine/faulty';
import { planRun } from '../../sim/engine/faultyPlan';
import { resolveFaults, makeRng, randInt } from '../../sim/faults/resolve';
import { selectKernel } from '../../sim/kernels';
import { DEFAULT_ARRAY_SPEC } from '../../sim/array/spec';
import type { FaultRecord } from '../../sim/faults/types';
import type { ArraySpec } from '../../sim/types';
import { tfjsWasmDir } from '../../cli/wasm-path';
import { measure, median } from '../measure';
import { meetsTarget, type BenchRow, type BenchSection } from '../types';
import { loadLenet, mnistTestImages, useWasm } from './_lenet';

const TARGET_RATIO = 1.25;

/** 10 weight-SRAM SEUs at random cycles of a run of `cycles` cycles (address and bit drawn at resolve). */
function randomSeus(count: number, cycles: number, seed: number): FaultRecord[] {
  const rng = makeRng(seed);
  return Array.from({ length: count }, () => ({
    target: 'weightSram' as const, kind: 'seu' as const, location: { kind: 'random' as const }, bits: [],
    window: { start: randInt(rng, 0, cycles - 1) },
  }));
}

/** Rows of section (c). */
export async function faultyRows(count = 1000, runs = 5): Promise<BenchRow[]> {
  await useWasm();
  const { net, weights } = loadLenet();
  const { images, n } = mnistTestImages(count);
  const sel = await selectKernel({ wasmDir: tfjsWasmDir() });
  const kernel = sel.kernel;
  const spec: ArraySpec = { ...DEFAULT_ARRAY_SPEC, rows: 16, cols: 16, dataflow: 'ws', format: { kind: 'fp32' } };
  const plan = planRun(net, spec);
  const records = randomSeus(10, plan.inferenceCycles * n, 2024);
  const concrete = resolveFaults(spec, records, 2024);
  if (!concrete.ok) throw new Error(concrete.reason);
  const golden = () => {
    const g = runGolden(net, images, spec, kernel);
    if (!g.ok) throw new Error(g.reason);
    return g.value;
  };
  const once = golden();
  const fr = runFaulty(once, spec, concrete.value, { kernel });
  const last = once.layers.length - 1;
  let sdc = 0;
  for (const img of fr.touchedImages) {
    const out = fr.output(last, img);
    let best = 0;
    for (let j = 1; j < out.length; j++) if (out[j] > out[best]) best = j;
    if (best !== once.predictions[img]) sdc++;
  }
  // golden and faulty runs interleaved (the machine is shared: drift hits both alike)
  const faultyRun = () => {
    const c = resolveFaults(spec, records, 2024);
    if (!c.ok) throw new Error(c.reason);
    return runFaulty(golden(), spec, c.value, { kernel });
  };
  const tg: number[] = [];
  const tf: number[] = [];
  for (let r = 0; r < runs; r++) {
    tg.push((await measure(golden, 1, 0)).medianMs);
    tf.push((await measure(faultyRun, 1, 0)).medianMs);
  }
  const tGolden = { medianMs: median(tg), runs };
  const tFaulty = { medianMs: median(tf), runs };
  const tEngine = await measure(() => runFaulty(once, spec, concrete.value, { kernel }), runs, 1);
  const baseline = { name: `golden run ${kernel.name}`, value: tGolden.medianMs };
  const ratio = tFaulty.medianMs / tGolden.medianMs;
  const target = { kind: 'ratioMax', value: TARGET_RATIO } as const;
  kernel.dispose();
  return [
    {
      name: `LeNet-5 x${n} faulty (10 weight-SRAM SEUs, 16x16 ws fp32) ${kernel.name}`,
      value: tFaulty.medianMs, unit: 'ms', runs: tFaulty.runs, baseline, ratio, target, pass: meetsTarget(tFaulty.medianMs, ratio, target),
      extra: {
        weights, weightsResident: String(fr.layout.weightsResident), touchedImages: fr.touchedImages.length,
        termsTouched: fr.faultTouches.reduce((a, b) => a + b, 0), corruptedOutputs: fr.layers[last].corrupted, sdc,
        engineOnlyMs: tEngine.medianMs.toFixed(2), runCycles: plan.inferenceCycles * n,
      },
    },
  ];
}

/** Section (c). */
export const sections: BenchSection[] = [{ name: '(c) faulty LeNet-5 (10 weight-SRAM SEUs) vs golden', run: () => faultyRows() }];
