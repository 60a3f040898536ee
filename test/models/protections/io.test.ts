import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Network } from '../../../sim/layers/types';
import { loadProtected, saveProtected, weightsChecksum } from '../../../models/protections/io';
import { parseProtection } from '../../../models/protections/spec';

const net = (w: number): Network => ({
  name: 't', input: { h: 1, w: 1, c: 2 },
  layers: [{ kind: 'dense', name: 'd', inF: 2, outF: 2, weights: Float32Array.from([w, 0, 0, 1]), bias: null, activation: { kind: 'relu' } }],
});

describe('protected model files', () => {
  it('load back with their bounds, and are refused when the base weights changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prot-'));
    const sp = parseProtection('fitact');
    if (!sp.ok) throw new Error(sp.reason);
    const base = net(0.5);
    const prot: Network = { ...base, layers: [{ ...(base.layers[0] as Extract<Network['layers'][number], { kind: 'dense' }>), activation: { kind: 'clip', bound: Float32Array.from([1, 2]) } }] };
    saveProtected('tiny', sp.value, prot, { id: '', architecture: 'tiny', testAccuracy: null, testSize: 0, trainSize: 0, date: '', command: '', epochs: 0, seed: 0, splitSeed: 0, testFraction: 0, backend: 'cpu', hyper: { baseChecksum: weightsChecksum(base) } }, dir);
    const ok = loadProtected('tiny', 'fitact', base, dir);
    expect(ok.ok && ok.value.net.layers[0]!.kind === 'dense' && ok.value.net.layers[0]!.activation).toEqual({ kind: 'clip', bound: Float32Array.from([1, 2]) });
    const stale = loadProtected('tiny', 'fitact', net(0.25), dir);
    expect(!stale.ok && stale.reason).toMatch(/other "tiny" weights.*npm run protect/);
    const missing = loadProtected('tiny', 'proact', base, dir);
    expect(!missing.ok && missing.reason).toContain('npm run protect -- --model tiny --protection proact');
    // SAF alone is trained by train-saf.ts, not calibrated by npm run protect
    const saf = loadProtected('tiny', 'saf-int8', base, dir);
    expect(!saf.ok && saf.reason).toContain('npx tsx models/quant/train-saf.ts --model tiny --format int8');
    const combo = loadProtected('tiny', 'proact+saf', base, dir);
    expect(!combo.ok && combo.reason).toContain('npm run protect -- --model tiny --protection proact+saf');
    expect(weightsChecksum(base)).not.toBe(weightsChecksum(net(0.25)));
  });
});
