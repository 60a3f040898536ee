/**
 * Bench (c): a faulty run of LeNet-5 on 1,000 MNIST images with 10 random weight-SRAM SEUs (random
 * address, bit and cycle over the whole run, seeded) vs the golden run on the same batch, both on
 * the default kernel of the run pipeline (pipeline/kernels.ts). The faulty run is measured end to end: golden run, fault
 * resolution and the faulty engine (which recomputes only the images and outputs the SEUs reach).
 * Target ratio <= 1.25. Two rows: the default 64 KiB weight SRAM (weights reloaded per layer, an
 * SEU lives until the reload) and 256 KiB (all LeNet weights resident, an SEU persists into every
 * later inference). 21 rounds, each a golden and a faulty run side by side (alternating order);
 * the ratio is the median of the rounds' ratios. Also shown: the faulty engine alone on a
 * precomputed golden run, its share of the timed faulty runs, the ratio of the medians, the range
 * of the rounds' ratios, and the ratio of the first (cold) round.
 */
import { runGolden } from '../../sim/engine/golden';
import { runFaulty } from '../../sim/engine/faulty';
import { planRun } from '../../sim/engine/faultyPlan';
import { resolveFaults, makeRng, randInt } from '../../sim/faults/resolve';
import { DEFAULT_ARRAY_SPEC } from '../../sim/array/spec';
import type { FaultRecord } from '../../sim/faults/types';
import type { ArraySpec } from '../../sim/types';
import { kernelFor, resolveKernelName } from '../../pipeline/kernels';
import { measure, median } from '../measure';
import { meetsTarget, type BenchRow, type BenchSection } from '../types';
import { loadLenet, mnistTestImages, useWasm } from './_lenet';

const TARGET_RATIO = 1.25;
/** Untimed golden + faulty rounds before the timed ones. */
const WARMUP = 2;

/** 10 weight-SRAM SEUs at random cycles of a run of `cycles` cycles (address and bit drawn at resolve). */
function randomSeus(count: number, cycles: number, seed: number): FaultRecord[] {
  const rng = makeRng(seed);
  return Array.from({ length: count }, () => ({
    target: 'weightSram' as const, kind: 'seu' as const, location: { kind: 'random' as const }, bits: [],
    window: { start: randInt(rng, 0, cycles - 1) },
  }));
}

/** One row of section (c): `weightKiB` sets whether the weights are resident (written once, so an
 * SEU persists into every later inference) or reloaded per layer (an SEU lives until the reload). */
async function faultyRow(weightKiB: number, count: number, runs: number): Promise<BenchRow> {
  const { net, weights } = loadLenet();
  const { images, n } = mnistTestImages(count);
  const name = resolveKernelName(undefined);
  if (!name.ok) throw new Error(name.reason);
  const k = await kernelFor(name.value);
  if (!k.ok) throw new Error(k.reason);
  const kernel = k.value;
  const spec: ArraySpec = { ...DEFAULT_ARRAY_SPEC, rows: 16, cols: 16, dataflow: 'ws', format: { kind: 'fp32' }, sram: { ...DEFAULT_ARRAY_SPEC.sram, weightKiB } };
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
  // Golden and faulty runs interleaved (the machine is shared: drift hits both alike), in
  // alternating order (whichever runs second pays the garbage collection of the first one's
  // tensors), after WARMUP untimed rounds (the engine's JavaScript is compiled while it runs: the
  // first rounds are reported apart as the cold ratio).
  let engineMs = 0;
  const faultyRun = () => {
    const c = resolveFaults(spec, records, 2024);
    if (!c.ok) throw new Error(c.reason);
    const g = golden();
    const t0 = performance.now();
    const r = runFaulty(g, spec, c.value, { kernel });
    engineMs = performance.now() - t0;
    return r;
  };
  const tg: number[] = [];
  const tf: number[] = [];
  const pairRatios: number[] = [];
  const te: number[] = [];
  const cold: number[] = [];
  for (let r = -WARMUP; r < runs; r++) {
    const pair: number[] = [];
    const order = r % 2 === 0 ? [golden, faultyRun] : [faultyRun, golden];
    for (const fn of order) pair[fn === golden ? 0 : 1] = (await measure(fn, 1, 0)).medianMs;
    if (r === -WARMUP) cold.push(pair[1] / pair[0]);
    if (r < 0) continue;
    tg.push(pair[0]);
    tf.push(pair[1]);
    pairRatios.push(pair[1] / pair[0]);
    te.push(engineMs);
  }
  const tEngine = await measure(() => runFaulty(once, spec, concrete.value, { kernel }), 2 * runs - 1, 3);
  // the ratio of each round's adjacent pair, then their median: both runs of a pair see the same
  // machine load, so drift over the section cancels (the medians of the two series are reported
  // as value and baseline; their quotient is in the extras)
  const ratio = median(pairRatios);
  const target = { kind: 'ratioMax', value: TARGET_RATIO } as const;
  return {
    name: `LeNet-5 x${n} faulty, 10 weight-SRAM SEUs, 16x16 ws fp32, weight SRAM ${weightKiB} KiB (${fr.layout.weightsResident ? 'resident' : 'reloaded per layer'}) ${kernel.name}`,
    value: median(tf), unit: 'ms', runs, baseline: { name: `golden run ${kernel.name}`, value: median(tg) }, ratio, target,
    pass: meetsTarget(median(tf), ratio, target),
    extra: {
      weights, touchedImages: fr.touchedImages.length, termsTouched: fr.faultTouches.reduce((a, b) => a + b, 0),
      corruptedOutputs: fr.layers[last].corrupted, sdc, engineOnlyMs: tEngine.medianMs.toFixed(2), engineInRunMs: median(te).toFixed(2),
      coldRatio: cold[0].toFixed(2), ratioOfMedians: (median(tf) / median(tg)).toFixed(2),
      pairRatioRange: `${Math.min(...pairRatios).toFixed(2)}-${Math.max(...pairRatios).toFixed(2)}`, runCycles: plan.inferenceCycles * n,
    },
  };
}

/** Rows of section (c): the default 64 KiB weight SRAM, and a 256 KiB one holding all weights. */
export async function faultyRows(count = 1000, runs = 21): Promise<BenchRow[]> {
  await useWasm();
  return [await faultyRow(64, count, runs), await faultyRow(256, count, runs)];
}

/** Section (c). */
export const sections: BenchSection[] = [{ name: '(c) faulty LeNet-5 (10 weight-SRAM SEUs) vs golden', run: () => faultyRows() }];
