/**
 * Child process of the ResNet-50 memory row of section (c2): one faulty run of one image (golden
 * run, then the faulty engine with 10 weight-SRAM SEUs and a stuck-at-1 on bit 30 of a PE's psum
 * register, 128x128 ws fp32, default kernel) in a fresh process, so that the peak resident set
 * measured is this run's alone. Prints one JSON line: peak RSS and RSS before the run (MiB), the
 * engine's estimate (MiB: the run's, the process's with the runtime, and its parts) and the run's
 * wall time (ms).
 */
import { runGolden } from '../../sim/engine/golden';
import { runFaulty } from '../../sim/engine/faulty';
import { estimateRunMemory } from '../../sim/engine/memoryEstimate';
import { resolveFaults } from '../../sim/faults/resolve';
import { useWasm } from './_lenet';
import { defaultKernel, randomImages, resnet50Folded } from './_resnet';
import { resnetFaults, resnetSpec } from './_resnetFaults';

await useWasm();
const net = resnet50Folded();
const kernel = await defaultKernel();
const images = randomImages(net, 1, 15);
const spec = resnetSpec();
const est = estimateRunMemory(net, 1, { format: spec.format, kernel: kernel.name, array: { rows: spec.rows, cols: spec.cols }, registerFaults: 1 });
if (!est.ok) throw new Error(est.reason);
const before = process.memoryUsage().rss;
const t0 = performance.now();
const g = runGolden(net, images, spec, kernel);
if (!g.ok) throw new Error(g.reason);
const faults = resolveFaults(spec, resnetFaults(net, spec, 1, 'both'), 2024);
if (!faults.ok) throw new Error(faults.reason);
const fr = runFaulty(g.value, spec, faults.value, { kernel });
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ peakRssMiB: process.resourceUsage().maxRSS / 1024, rssBeforeMiB: before / 2 ** 20, estimateMiB: est.value.bytes / 2 ** 20, processEstimateMiB: est.value.processBytes / 2 ** 20, parts: Object.fromEntries(Object.entries(est.value.parts).map(([k, v]) => [k, Math.round(v / 2 ** 20)])), ms, touched: fr.touchedImages.length })}\n`);
