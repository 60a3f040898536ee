/**
 * The GEMM backend is a speed choice only: one small campaign per kernel (js, tfjs-wasm, gpujs in
 * webasm mode) with bounded activations (fitact), saturated weights (saf), ECC, fp32 and int8
 * points, weight-SRAM and ifmap-SRAM BER, gives byte-identical trial results and summaries; the
 * pipeline's golden and faulty tensors and predictions are the same bits on every kernel.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngineRunner } from '../../campaign/trial';
import { runCampaign } from '../../campaign/run';
import { runPipeline, type PipelineOutcome } from '../../pipeline';
import type { KernelBackendName } from '../../sim/kernels/types';
import { berDoc, planOf, tmp } from '../campaign/helpers';

const KERNELS: readonly KernelBackendName[] = ['js', 'tfjs-wasm', 'gpujs'];

const bits = (x: Float32Array): number[] => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

describe('same results on every kernel', () => {
  it('a campaign with fitact, saf, ecc, fp32 and int8 points: identical results and summary', async () => {
    const setup = planOf(berDoc({
      protections: ['fitact', 'saf', 'ecc'],
      formats: ['fp32', 'int8'],
      faults: { kind: 'ber', targets: ['weightSram', 'ifmapSram'], ber: [3e-4], definition: 'per-bit' },
      trialsPerPoint: 1,
      testSet: { start: 0, count: 12 },
    }));
    const out: Record<string, { results: string[]; summary: string }> = {};
    for (const k of KERNELS) {
      const dir = tmp();
      const o = await runCampaign({ plan: setup.plan, hash: setup.hash, outDir: dir, runner: createEngineRunner({ kernel: k }), concurrency: 1 });
      expect(o.status).toBe('complete');
      const lines = readFileSync(join(dir, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { i?: number; r?: unknown });
      out[k] = {
        results: lines.filter((l) => l.r !== undefined).sort((a, b) => a.i! - b.i!).map((l) => JSON.stringify(l.r)),
        summary: readFileSync(join(dir, 'summary.json'), 'utf8'),
      };
    }
    // the faults did something: some trial corrupted values (otherwise the comparison proves nothing)
    const changed = out.js!.results.map((r) => JSON.parse(r) as { layers: { corruptedShare: number }[] }).filter((r) => r.layers.some((l) => l.corruptedShare > 0));
    expect(changed.length).toBeGreaterThan(0);
    for (const k of KERNELS.slice(1)) {
      expect(out[k]!.results, k).toEqual(out.js!.results);
      expect(out[k]!.summary, k).toBe(out.js!.summary);
    }
  }, 600_000);

  it('golden and faulty tensors and predictions: the same bits (fitact + weight-SRAM BER, relu + ifmap BER)', async () => {
    for (const [protection, target] of [['fitact', 'weightSram'], ['relu', 'ifmapSram'], ['saf', 'pe.weight']] as const) {
      const runs: PipelineOutcome[] = [];
      for (const kernel of KERNELS) {
        const r = await runPipeline({
          model: 'lenet5', protection, format: { kind: 'fp32' }, array: { rows: 16, cols: 16, dataflow: 'ws' }, kernel,
          faults: { kind: 'ber', target, ber: target === 'pe.weight' ? 3e-2 : 1e-3, definition: 'per-bit', faultKind: 'seu', seed: 5 },
          images: { start: 0, count: 8 },
        });
        if (!r.ok) throw new Error(r.reason);
        runs.push(r.value);
      }
      const [a] = runs;
      expect(a!.faultCount, `${protection}/${target}`).toBeGreaterThan(0);
      expect(a!.faulty.layers.some((l) => l.corrupted > 0), `${protection}/${target}`).toBe(true);
      for (const b of runs.slice(1)) {
        expect(b.kernel).not.toBe(a!.kernel);
        a!.golden.layers.forEach((gl, L) => {
          expect(bits(b.golden.layers[L]!.output), `${b.kernel} golden ${gl.name}`).toEqual(bits(gl.output));
          for (let img = 0; img < 8; img++) expect(bits(b.faulty.output1(L, img)), `${b.kernel} faulty ${gl.name} image ${img}`).toEqual(bits(a!.faulty.output1(L, img)));
        });
        expect(Array.from(b.faulty.predictions)).toEqual(Array.from(a!.faulty.predictions));
        expect(b.faulty.layers).toEqual(a!.faulty.layers);
      }
    }
  }, 600_000);
});
