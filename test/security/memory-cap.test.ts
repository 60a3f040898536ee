/**
 * Issue 8, resource limits: the memory estimate of an engine run (sim/engine/memoryEstimate.ts) against
 * what a golden run really keeps, and the cap refusing a run up front — with the estimate in the message —
 * in the CLI (`faultline run`, --memory-cap-mb and FAULTLINE_MEMORY_CAP_MB), the campaign trial runner and
 * the GUI's sim.run pipeline.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { checkMemoryCap, estimateRunMemory, parseMemoryCapMb, DEFAULT_MEMORY_CAP_MB, ENGINE_BYTES_PER_TOUCH, RUNTIME_BYTES } from '../../sim/engine/memoryEstimate';
import { runGolden } from '../../sim/engine/golden';
import { runFaulty } from '../../sim/engine/faulty';
import { resolveFaults } from '../../sim/faults/resolve';
import type { FaultRecord } from '../../sim/faults/types';
import { tfjsWasmDir } from '../../cli/wasm-path';
import * as tf from '@tensorflow/tfjs-core';
import { createKernel } from '../../sim/kernels/select';
import { parseArraySpec } from '../../sim/array/spec';
import { getArch } from '../../models/nets';
import { materialize } from '../../models/nets/init';
import { executeRun } from '../../cli/commands/run';
import { createEngineRunner } from '../../campaign/trial';
import { trialAt } from '../../campaign/plan';
import { run as guiRun } from '../../electron/services/sim/pipeline';
import { RunRequest } from '../../ipc/sim-schemas';
import { berDoc, planOf } from '../campaign/helpers';
import { connectServices, closeSimWorkers } from '../../electron/services';
import { join } from 'node:path';

const net = materialize(getArch('lenet5')!);
const scenarioFile = new URL('../../scenarios/examples/single-seu-weight.json', import.meta.url).pathname;
const envBefore = process.env.FAULTLINE_MEMORY_CAP_MB;
afterAll(async () => { await closeSimWorkers(); });
afterEach(() => {
  if (envBefore === undefined) delete process.env.FAULTLINE_MEMORY_CAP_MB;
  else process.env.FAULTLINE_MEMORY_CAP_MB = envBefore;
});

describe('memory estimate', () => {
  it('covers what a golden run keeps (LeNet-5, 64 images) without overstating the kept tensors by more than 1.5x', async () => {
    const k = await createKernel('js');
    if (!k.ok) throw new Error(k.reason);
    const spec = parseArraySpec({ rows: 16, cols: 16, dataflow: 'ws', format: { kind: 'fp32' } });
    if (!spec.ok) throw new Error(spec.reason);
    const n = 64;
    const batch = Float32Array.from({ length: n * 784 }, (_, i) => (i % 255) / 255);
    const g = runGolden(net, batch, spec.value, k.value);
    if (!g.ok) throw new Error(g.reason);
    const kept = new Set<Float32Array>([g.value.input]);
    for (const l of g.value.layers) for (const a of [l.output, l.preActivation, l.storedWeights, l.weights, ...l.inputs]) if (a) kept.add(a);
    const actual = [...kept].reduce((s, a) => s + a.byteLength, 0);
    const est = estimateRunMemory(net, n, { faulty: false, kernel: 'js' });
    if (!est.ok) throw new Error(est.reason);
    // kept tensors and weights (the estimate's other parts: the transient im2col peak, which the
    // run frees after each layer; no kernel heap on js; no fault structures)
    const peak = est.value.parts.transient;
    expect(est.value.parts.kernel).toBe(0);
    expect(est.value.parts.engine).toBe(0);
    const keptEstimate = est.value.parts.tensors + est.value.parts.weights;
    expect(est.value.bytes).toBe(keptEstimate + peak);
    console.log(`LeNet-5 x ${n}: golden run keeps ${(actual / 2 ** 20).toFixed(2)} MiB; estimate ${(keptEstimate / 2 ** 20).toFixed(2)} MiB kept + ${(peak / 2 ** 20).toFixed(2)} MiB im2col peak`);
    expect(keptEstimate).toBeGreaterThanOrEqual(actual);
    expect(keptEstimate).toBeLessThanOrEqual(1.5 * actual);
    // a faulty run keeps a second copy of the layer outputs at most
    const withFaulty = estimateRunMemory(net, n);
    expect(withFaulty.ok && withFaulty.value.bytes).toBeGreaterThan(est.value.bytes);
  });

  it('covers a measured faulty run on tfjs-wasm: the kernel heap it grew and the terms a stuck psum register touched', async () => {
    // deterministic quantities of a real run (no resident-set or timing measurement): the tfjs-wasm
    // heap after golden + faulty runs, and the GEMM terms the fault touched, against the estimate's
    // kernel and engine parts
    const k = await createKernel('tfjs-wasm', { wasmDir: tfjsWasmDir() });
    if (!k.ok) throw new Error(k.reason);
    const spec = parseArraySpec({ rows: 16, cols: 16, dataflow: 'ws', format: { kind: 'fp32' } });
    if (!spec.ok) throw new Error(spec.reason);
    const n = 8;
    const batch = Float32Array.from({ length: n * 784 }, (_, i) => ((i * 7) % 255) / 255);
    const g = runGolden(net, batch, spec.value, k.value);
    if (!g.ok) throw new Error(g.reason);
    const stuck: FaultRecord = { target: 'pe.psum', kind: 'stuckAt1', location: { kind: 'pe', row: 3, col: 5 }, bits: [30], window: { start: 0 } };
    const faults = resolveFaults(spec.value, [stuck], 1);
    if (!faults.ok) throw new Error(faults.reason);
    const fr = runFaulty(g.value, spec.value, faults.value, { kernel: k.value });
    fr.output(net.layers.length - 1, 0);
    const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
    const est = estimateRunMemory(net, n, { kernel: 'tfjs-wasm', array: { rows: 16, cols: 16 }, registerFaults: 1 });
    if (!est.ok) throw new Error(est.reason);
    const touched = fr.faultTouches.reduce((a, b) => a + b, 0);
    const bound = est.value.parts.engine / ENGINE_BYTES_PER_TOUCH;
    console.log(`LeNet-5 x ${n}, psum stuck-at: tfjs-wasm heap ${(heap / 2 ** 20).toFixed(1)} MiB (estimate ${(est.value.parts.kernel / 2 ** 20).toFixed(1)}); touched terms ${touched} (estimate bound ${bound})`);
    expect(heap).toBeLessThanOrEqual(est.value.parts.kernel);
    expect(touched).toBeGreaterThan(0);
    expect(touched).toBeLessThanOrEqual(bound);
    // a stuck register touches most of what the bound counts (every output of its columns per fold)
    expect(touched).toBeGreaterThanOrEqual(bound / 2);
    // the process estimate adds the runtime to the run's parts
    expect(est.value.processBytes - est.value.bytes).toBe(RUNTIME_BYTES);
    k.value.dispose();
  }, 60_000);

  it('grows linearly with the batch and refuses over the cap with the estimate and how many images fit', () => {
    const a = estimateRunMemory(net, 100);
    const b = estimateRunMemory(net, 200);
    if (!a.ok || !b.ok) throw new Error('estimate failed');
    const perImage = (b.value.bytes - a.value.bytes) / 100;
    expect(perImage).toBeGreaterThan(0);
    const r = checkMemoryCap(net, 10_000, 64);
    expect(r.ok).toBe(false);
    const mib = (a.value.bytes + perImage * 9_900) / 2 ** 20;
    expect(r.ok ? '' : r.reason).toContain(`needs about ${mib.toFixed(1)} MiB (10000 image(s)`);
    expect(r.ok ? '' : r.reason).toMatch(/over the cap of 64\.0 MiB; run at most \d+ image\(s\) or raise the cap/);
    expect(checkMemoryCap(net, 10, 64).ok).toBe(true);
  });

  it('counts the weight-SRAM BER rerun\'s scratch copy of the weights (one copy, faulty runs only)', () => {
    const weightBytes = net.layers.reduce((s, l) => s + (l.kind === 'conv2d' || l.kind === 'dense' ? l.weights.byteLength : 0), 0);
    expect(weightBytes).toBeGreaterThan(0);
    const plain = estimateRunMemory(net, 10);
    const ber = estimateRunMemory(net, 10, { berScratch: true });
    const goldenOnly = estimateRunMemory(net, 10, { faulty: false, berScratch: true });
    const golden = estimateRunMemory(net, 10, { faulty: false });
    if (!plain.ok || !ber.ok || !goldenOnly.ok || !golden.ok) throw new Error('estimate failed');
    expect(ber.value.parts.weights - plain.value.parts.weights).toBe(weightBytes);
    expect(ber.value.bytes - plain.value.bytes).toBe(weightBytes);
    expect(goldenOnly.value.bytes).toBe(golden.value.bytes);
  });

  it('reads the cap from the option or FAULTLINE_MEMORY_CAP_MB and rejects nonsense', () => {
    expect(parseMemoryCapMb(undefined)).toEqual({ ok: true, value: DEFAULT_MEMORY_CAP_MB });
    expect(parseMemoryCapMb('256')).toEqual({ ok: true, value: 256 });
    for (const bad of ['0', '-5', 'lots', 'NaN']) expect(parseMemoryCapMb(bad).ok).toBe(false);
  });
});

describe('the cap is enforced before the run', () => {
  it('CLI faultline run: --memory-cap-mb and the environment variable', async () => {
    const base = { model: 'lenet5', scenario: scenarioFile, images: '500' };
    await expect(executeRun({ ...base, memoryCapMb: '1' })).rejects.toThrow(/run refused: memory: this run needs about [\d.]+ MiB \(500 image\(s\).*over the cap of 1\.0 MiB/);
    process.env.FAULTLINE_MEMORY_CAP_MB = '2';
    await expect(executeRun(base)).rejects.toThrow(/over the cap of 2\.0 MiB/);
    process.env.FAULTLINE_MEMORY_CAP_MB = 'x';
    await expect(executeRun(base)).rejects.toThrow(/FAULTLINE_MEMORY_CAP_MB: expected a memory cap in MiB > 0/);
  }, 60_000);

  it('campaign trial runner: a trial over the cap is refused', async () => {
    const setup = planOf(berDoc({ protections: ['relu'], faults: { kind: 'ber', targets: ['weightSram'], ber: [1e-5], definition: 'count' }, trialsPerPoint: 1, testSet: { start: 0, count: 200 } }));
    const runner = createEngineRunner({ memoryCapMb: 1 });
    await expect(runner(trialAt(setup.plan, 0))).rejects.toThrow(/trial refused: memory: this run needs about [\d.]+ MiB \(200 image\(s\)/);
  }, 60_000);

  it('GUI sim.run pipeline: refused with the estimate under FAULTLINE_MEMORY_CAP_MB', async () => {
    process.env.FAULTLINE_MEMORY_CAP_MB = '0.5';
    const req = RunRequest.parse({ model: 'lenet5', scenario: { text: readFileSync(scenarioFile, 'utf8') }, array: { rows: 16, cols: 16 }, images: 16 });
    await expect(guiRun(req, 'r1', () => {})).rejects.toThrow(/run refused: memory: this run needs about [\d.]+ MiB \(16 image\(s\).*over the cap of 0\.5 MiB/);
  }, 60_000);

  it('GUI sim.run channel: the refusal reaches the renderer as an error reply with the estimate', async () => {
    process.env.FAULTLINE_MEMORY_CAP_MB = '0.5'; // the simulation worker starts with this environment
    const root = join(import.meta.dirname, '../..');
    const conn = connectServices({ shell: 'web', appVersion: '0.0.0', scenariosDir: join(root, 'scenarios/examples'), electronVersion: null, nodeVersion: process.versions.node, userScenariosDir: join(root, 'test-results', 'tmp-user-scenarios') }, () => {});
    const r = await conn.invoke({ id: 'm', channel: 'sim.run', payload: { model: 'lenet5', scenario: { text: readFileSync(scenarioFile, 'utf8') }, array: { rows: 16, cols: 16 }, images: 16 } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/run refused: memory: this run needs about [\d.]+ MiB \(16 image\(s\).*over the cap of 0\.5 MiB/);
  }, 60_000);
});
