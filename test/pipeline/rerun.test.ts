/**
 * pipeline/rerun.ts: the incremental faulty inference of a statically corrupted network (golden
 * prefix, changed channels only in the first changed layer, stop where the change is masked) gives
 * the same bits as a full runGolden of the corrupted network, on every kernel, for fp32 / fp16 /
 * int8 (per-layer PTQ formats), bounded activations (fitact), saturated weights (saf) and ECC.
 */
import { describe, expect, it } from 'vitest';
import { runNetwork, goldenOptionsOf } from '../../pipeline/network';
import { inputBatch } from '../../pipeline/inputs';
import { kernelFor } from '../../pipeline/kernels';
import { specOfDeclaration } from '../../pipeline/run';
import { exposeWeightSram, exposeWeightSramPatches, type LayerChange } from '../../pipeline/exposure';
import { changedChannels, rerunCorrupted, rerunPatched, sameBitsArray } from '../../pipeline/rerun';
import { runGolden } from '../../sim/engine/golden';
import { uniformFormats } from '../../sim/format/accumulator';
import type { KernelBackendName } from '../../sim/kernels/types';
import type { Conv2dLayer, DenseLayer } from '../../sim/layers/types';
import type { NumericFormat } from '../../sim/types';

const KERNELS: readonly KernelBackendName[] = ['js', 'tfjs-wasm', 'gpujs'];
const bits = (x: Float32Array): number[] => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

const CASES: readonly { protection: string; format: NumericFormat; ber: number }[] = [
  { protection: 'relu', format: { kind: 'fp32' }, ber: 2e-5 },
  { protection: 'fitact', format: { kind: 'fp32' }, ber: 2e-5 },
  { protection: 'saf', format: { kind: 'fp16' }, ber: 4e-5 },
  { protection: 'ptq', format: { kind: 'int8', intBits: 2, fracBits: 5 }, ber: 1e-4 },
  { protection: 'ecc', format: { kind: 'fp32' }, ber: 1e-4 },
];

describe('incremental rerun of a corrupted network', () => {
  it('changedChannels lists the output channels whose weights changed', async () => {
    const rn = await runNetwork('lenet5', 'relu');
    if (!rn.ok) throw new Error(rn.reason);
    const g = rn.value.net.layers.find((l) => l.kind === 'conv2d') as Conv2dLayer;
    const w = g.weights.slice();
    w[3 * g.outC + 2] = -w[3 * g.outC + 2]! - 1; // channel 2
    w[7 * g.outC + 5] = 123; // channel 5
    expect(changedChannels(g, { ...g, weights: w })).toEqual([2, 5]);
    expect(changedChannels(g, { ...g })).toEqual([]);
    expect(changedChannels(g, { ...g, bias: null })).toBeNull();
    const d = rn.value.net.layers.find((l) => l.kind === 'dense') as DenseLayer;
    expect(changedChannels(d, { ...d, activation: { kind: 'clip', bound: 1 } })).toBeNull();
  });

  for (const kernelName of KERNELS) {
    it(`equals a full inference of the corrupted network, bit for bit (${kernelName})`, async () => {
      const made = await kernelFor(kernelName);
      if (!made.ok) throw new Error(made.reason);
      // count the whole corrupted conv layers run by patching the kernel's packed weights (tfjs-wasm)
      let patchedRuns = 0;
      const base = made.value;
      const kernel = { ok: true as const, value: base.conv2dPatched
        ? { ...base, conv2dPatched: (...a: Parameters<NonNullable<typeof base.conv2dPatched>>) => { const r = base.conv2dPatched!(...a); if (r) patchedRuns++; return r; } }
        : base };
      let channelOnly = 0, masked = 0, changedOut = 0;
      for (const c of CASES) {
        const rn = await runNetwork('lenet5', c.protection);
        if (!rn.ok) throw new Error(rn.reason);
        const spec = specOfDeclaration({ array: { rows: 16, cols: 16, dataflow: 'ws' }, format: c.format }, rn.value.protection.ecc);
        if (!spec.ok) throw new Error(spec.reason);
        const input = inputBatch('lenet5', rn.value.net, 0, 6);
        if (!input.ok) throw new Error(input.reason);
        const options = await goldenOptionsOf(rn.value, c.format);
        const golden = runGolden(rn.value.net, input.value.batch, spec.value, kernel.value, options);
        if (!golden.ok) throw new Error(golden.reason);
        const storage = (i: number) => options.layerFormats?.(rn.value.net.layers[i]!, i) ?? uniformFormats(c.format);
        for (let seed = 1; seed <= 10; seed++) {
          const e = exposeWeightSram(rn.value.net, storage, c.ber, 'per-bit', 'seu', seed, { ecc: rn.value.protection.ecc });
          const patches = exposeWeightSramPatches(rn.value.net, storage, c.ber, 'per-bit', 'seu', seed, { ecc: rn.value.protection.ecc });
          const full = runGolden(e.network, input.value.batch, spec.value, kernel.value, options);
          const inc = rerunCorrupted(golden.value, e.network, spec.value, kernel.value, options);
          const pat = rerunPatched(golden.value, patches, spec.value, kernel.value, options);
          if (!full.ok || !inc.ok || !pat.ok) throw new Error('run failed');
          const where = `${c.protection} ${c.format.kind} seed ${seed}`;
          full.value.layers.forEach((fl, L) => {
            expect(bits(inc.value.layers[L]!.output), `${where} layer ${fl.name}`).toEqual(bits(fl.output));
            expect(bits(pat.value.layers[L]!.output), `${where} layer ${fl.name} (patches)`).toEqual(bits(fl.output));
            const gl = golden.value.layers[L]!;
            if (e.network.layers[L] !== rn.value.net.layers[L] && inc.value.layers[L]!.output === gl.output) masked++;
          });
          expect(Array.from(inc.value.predictions), where).toEqual(Array.from(full.value.predictions));
          if (!sameBitsArray(full.value.output, golden.value.output)) changedOut++;
          // a layer computed on its changed channels only: some of its outputs equal golden, some not
          const first = e.network.layers.findIndex((l, i) => l !== rn.value.net.layers[i]);
          if (first >= 0) {
            const l = e.network.layers[first]!;
            if (l.kind === 'conv2d' || l.kind === 'dense') {
              const cols = changedChannels(rn.value.net.layers[first] as Conv2dLayer | DenseLayer, l);
              if (cols && cols.length > 0 && cols.length < (l.kind === 'conv2d' ? l.outC : l.outF)) channelOnly++;
            }
          }
        }
      }
      // a few words changed in every array layer: later layers run with their golden weights and
      // only their changed channels apart (changed inputs, few changed channels)
      for (const protection of ['relu', 'fitact']) {
        const rn = await runNetwork('lenet5', protection);
        if (!rn.ok) throw new Error(rn.reason);
        const net = rn.value.net;
        const input = inputBatch('lenet5', net, 0, 6);
        if (!input.ok) throw new Error(input.reason);
        const fp32 = { format: { kind: 'fp32' } as NumericFormat };
        const golden = runGolden(net, input.value.batch, fp32, kernel.value);
        if (!golden.ok) throw new Error(golden.reason);
        for (const [word, value] of [[4, 9.5], [7, -3], [1, Number.NaN]] as const) {
          const changes = net.layers.map((l): LayerChange | null => (l.kind === 'conv2d' || l.kind === 'dense'
            ? { weights: { words: Int32Array.of(word, word + 3 * (l.kind === 'conv2d' ? l.outC : l.outF)), values: Float32Array.of(value, 2 * value) }, activation: null } : null));
          const faulty = { ...net, layers: net.layers.map((l, i) => (changes[i] && (l.kind === 'conv2d' || l.kind === 'dense') ? { ...l, weights: (() => { const w = l.weights.slice(); w[changes[i]!.weights!.words[0]!] = changes[i]!.weights!.values[0]!; w[changes[i]!.weights!.words[1]!] = changes[i]!.weights!.values[1]!; return w; })() } : l)) };
          const full = runGolden(faulty, input.value.batch, fp32, kernel.value);
          const pat = rerunPatched(golden.value, { base: net, changes }, fp32, kernel.value);
          const inc = rerunCorrupted(golden.value, faulty, fp32, kernel.value);
          if (!full.ok || !pat.ok || !inc.ok) throw new Error('run failed');
          full.value.layers.forEach((fl, L) => {
            expect(bits(pat.value.layers[L]!.output), `${protection} word ${word} layer ${fl.name}`).toEqual(bits(fl.output));
            expect(bits(inc.value.layers[L]!.output), `word ${word} layer ${fl.name}`).toEqual(bits(fl.output));
          });
          expect(sameBitsArray(full.value.output, golden.value.output)).toBe(false);
        }
      }
      // the comparison covered every path: channel reruns, masked layers and changed outputs
      expect(channelOnly).toBeGreaterThan(10);
      expect(masked).toBeGreaterThan(0);
      expect(changedOut).toBeGreaterThan(5);
      if (base.conv2dPatched) expect(patchedRuns).toBeGreaterThan(0);
    }, 600_000);
  }
});
