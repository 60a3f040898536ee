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
import { measure, median, pairRounds } from '../measure';
import { meetsTarget, type BenchRow, type BenchSection } from '../types';
import { loadLenet, mnistTestImages, useWasm } from './_lenet';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkMemoryCap } from '../../sim/engine/memoryEstimate';
import { defaultKernel, randomImages, resnet18Folded, resnet50Folded } from './_resnet';
import { resnetFaults, resnetSpec } from './_resnetFaults';

const TARGET_RATIO = 1.25;
/** Untimed rounds of the ResNet rows of (c2) before the timed ones: V8 keeps optimizing the
 * engine's code over its first 8-10 runs (the first round's ratio is 2-5x the later ones). */
const RESNET_WARMUP = 8;
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

/**
 * Rows of section (c2), issue 15: ResNet-18 (BN folded, one image) with one PE psum stuck-at and
 * with 10 weight-SRAM SEUs. The ratio (target <= 1.5) is what a campaign trial pays: campaigns
 * cache the golden run per image set (campaign/trial.ts), so one faulty inference costs fault
 * resolution + the faulty engine on that cached golden run. It is measured against the golden run,
 * interleaved (`runs` (golden, engine) rounds after `warmup` untimed ones, alternating order), as
 * the median of the rounds' ratios (the first warm-up round's ratio is shown as coldRatio). The
 * end-to-end faulty run (a fresh golden run, fault resolution and the engine, what a one-off
 * `faultline run` pays) is kept as extra columns (endToEndMs, endToEndRatio: `runs` further
 * (golden, end-to-end) rounds, measured after the others so its golden run's garbage does not
 * fall into the engine's rounds).
 */
export async function resnetFaultyRows(runs = 11, warmup = RESNET_WARMUP): Promise<BenchRow[]> {
  await useWasm();
  const net = resnet18Folded();
  const kernel = await defaultKernel();
  const spec = resnetSpec();
  const images = randomImages(net, 1, 15);
  const golden = () => {
    const g = runGolden(net, images, spec, kernel);
    if (!g.ok) throw new Error(g.reason);
    return g.value;
  };
  const cached = golden();
  const rows: BenchRow[] = [];
  for (const set of ['stuckAt', 'seus'] as const) {
    const records = resnetFaults(net, spec, 1, set);
    let fr: ReturnType<typeof runFaulty> | null = null;
    // a campaign trial: fault resolution + the engine on the cached golden run
    const engine = () => {
      const c = resolveFaults(spec, records, 2024);
      if (!c.ok) throw new Error(c.reason);
      fr = runFaulty(cached, spec, c.value, { kernel });
    };
    // a one-off faulty run: its own golden run, then the same
    const endToEnd = () => {
      const c = resolveFaults(spec, records, 2024);
      if (!c.ok) throw new Error(c.reason);
      fr = runFaulty(golden(), spec, c.value, { kernel });
    };
    // (golden, engine) pairs first, as a campaign runs trials back to back (no fresh golden run's
    // garbage in between), after untimed warm-up rounds (the engine's JavaScript is compiled over
    // several runs); the first round's ratio is shown apart
    const { base: tg, other: te, ratios: pairRatios, cold: coldRatio } = pairRounds(golden, engine, runs, warmup);
    // then (golden, end-to-end) pairs: a one-off faulty run's own golden run + the engine
    const { other: tx, ratios: txRatios } = pairRounds(golden, endToEnd, runs);
    const f = fr as ReturnType<typeof runFaulty> | null;
    if (!f) throw new Error('no faulty run');
    const ratio = median(pairRatios);
    const target = { kind: 'ratioMax', value: 1.5 } as const;
    rows.push({
      name: `ResNet-18 x1 faulty engine on the cached golden run (a campaign trial), ${set === 'stuckAt' ? 'stuck-at-1 bit 30 of PE (3,5) psum' : '10 weight-SRAM SEUs'}, 128x128 ws fp32 ${kernel.name}`,
      value: median(te), unit: 'ms', runs, baseline: { name: `golden run ${kernel.name}`, value: median(tg) }, ratio, target, pass: meetsTarget(median(te), ratio, target),
      extra: {
        endToEndMs: median(tx).toFixed(0), endToEndRatio: median(txRatios).toFixed(2), coldRatio: coldRatio.toFixed(2),
        pairRatioRange: `${Math.min(...pairRatios).toFixed(2)}-${Math.max(...pairRatios).toFixed(2)}`,
        touchedImages: f.touchedImages.length, recomputed: f.layers.reduce((a, l) => a + l.recomputed, 0),
        corruptedOutputs: f.layers[f.layers.length - 1].corrupted,
      },
    });
  }
  return rows;
}

/** Row of section (c2): peak resident memory of a ResNet-50 faulty run of one image, measured in a
 * child process (bench/sections/_memChild.ts), next to the engine's estimate; and the refusal the
 * run pipeline gives (checkMemoryCap) under a cap of half the estimate. */
export async function resnet50MemoryRow(): Promise<BenchRow> {
  const child = join(dirname(fileURLToPath(import.meta.url)), '_memChild.ts');
  const out = execFileSync(process.execPath, ['--import', 'tsx', child], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const m = JSON.parse(out.trim().split('\n').pop()!) as { peakRssMiB: number; rssBeforeMiB: number; estimateMiB: number; processEstimateMiB: number; parts: Record<string, number>; ms: number; touched: number };
  const net = resnet50Folded();
  const cap = Math.floor(m.estimateMiB / 2);
  const spec = resnetSpec();
  const refusal = checkMemoryCap(net, 1, cap, { format: spec.format, kernel: 'tfjs-wasm', array: { rows: spec.rows, cols: spec.cols }, registerFaults: 1 });
  return {
    name: 'ResNet-50 x1 faulty run (psum stuck-at + 10 weight-SRAM SEUs, 128x128 ws fp32): peak resident set', value: m.peakRssMiB, unit: 'MiB', runs: 1,
    extra: {
      rssBeforeRunMiB: m.rssBeforeMiB.toFixed(0), engineEstimateMiB: m.estimateMiB.toFixed(0), processEstimateMiB: m.processEstimateMiB.toFixed(0),
      estimateVsPeak: (m.processEstimateMiB / m.peakRssMiB).toFixed(2), estimateParts: JSON.stringify(m.parts), runMs: m.ms.toFixed(0), touchedImages: m.touched,
      [`refusalAtCap${cap}MiB`]: refusal.ok ? 'NOT refused' : refusal.reason,
    },
  };
}

/** Sections (c) and (c2). */
export const sections: BenchSection[] = [
  { name: '(c) faulty LeNet-5 (10 weight-SRAM SEUs) vs golden', run: () => faultyRows() },
  { name: '(c2) faulty ResNet-18 vs golden; ResNet-50 memory', run: async () => [...(await resnetFaultyRows()), await resnet50MemoryRow()] },
];
