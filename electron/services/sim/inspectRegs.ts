/**
 * Register contents of one PE at one cycle of a kept run, golden and faulty, for every dataflow.
 * The schedule (sim/dataflow strategy `macCycle` / `gemmIndex`) gives the MAC (m, k, n) the PE
 * performs at that fold cycle; the input register then holds x[m][k] (im2col of the layer input),
 * the weight register w[k][n] and the psum register the partial sum of output (m, n) after terms
 * 0..k in array order. Faulty values replay that output's accumulation with the engine's own
 * per-term modifications (sim/engine/faultyMods.ts collectMods, faultyCompute.ts computeAcc) on the
 * faulty engine's layer input, so every register, SRAM and upstream fault of the run is included.
 */
import type { CycleLocation } from '../../../sim/engine/timeline';
import { collectMods, type LayerMods, type RunMods } from '../../../sim/engine/faultyMods';
import { computeAcc, inputOperands, isArrayKind, prepareLayer, registerWords, rowOf, type LayerCompute, type LayerEcc, type Mod } from '../../../sim/engine/faultyCompute';
import { hasEcc, wordCodec } from '../../../sim/memory/ecc';
import { convGeom, type ConvGeom } from '../../../sim/dataflow/scheduleGeom';
import { decode, encode, quantizeArray } from '../../../sim/format/format';
import type { KeptRun } from './pipeline';

/** One register row of an inspect reply (value = format-domain number; psum = accumulator value). */
export interface RegisterValue {
  readonly label: string;
  readonly golden: number | null;
  readonly faulty: number | null;
  readonly note: string;
  /** Bit positions (0 = LSB) where the faulty register word differs from the golden word. */
  readonly diffBits?: number[];
}

/** The MAC a PE performs at a fold cycle, or null when it performs none (fill, drain, unused). */
export interface PeMac {
  /** Temporal index of the fold (ws: m, os: k, is: n). */
  readonly t: number;
  readonly m: number;
  readonly k: number;
  readonly n: number;
}

/** MAC of PE (`i`, `j`) at fold cycle `fc` of fold `loc.fold` of layer `loc.layer`, or null. */
export function macAt(kept: KeptRun, loc: CycleLocation, i: number, j: number): PeMac | null {
  const lr = kept.plan.layers[loc.layer];
  const fold = lr.folds[loc.fold];
  const df = lr.df;
  if (!df || i >= fold.rowsUsed || j >= fold.colsUsed) return null;
  const s = kept.plan.strategy;
  const t = loc.foldCycle - s.macCycle(df.geometry, i, j, 0);
  if (t < 0 || t >= df.geometry.T) return null;
  return { t, ...s.gemmIndex(fold, i, j, t) };
}

interface Cache {
  readonly mods: RunMods;
  readonly perImage: Map<number, Map<number, LayerMods> | null>;
  readonly lcs: Map<number, LayerCompute>;
}
const caches = new WeakMap<KeptRun, Cache>();

function cacheOf(kept: KeptRun): Cache {
  let c = caches.get(kept);
  if (!c) {
    const net = kept.golden.network;
    const geoms: (ConvGeom | null)[] = net.layers.map((l, i) => (isArrayKind(l) ? convGeom(l, kept.plan.layers[i].inShape, kept.plan.layers[i].outShape) : null));
    c = { mods: collectMods(kept.plan, geoms, kept.faulty.layout, kept.faulty.faults, kept.nImages), perImage: new Map(), lcs: new Map() };
    caches.set(kept, c);
  }
  return c;
}

function diffBits(a: number, b: number): number[] {
  const x = (a ^ b) >>> 0;
  const out: number[] = [];
  for (let bit = 0; bit < 32; bit++) if ((x >>> bit) & 1) out.push(bit);
  return out;
}

/** Golden and faulty input, weight and psum registers of PE (`i`, `j`) at `loc` (absolute `cycle`). */
export function peRegisters(kept: KeptRun, loc: CycleLocation, i: number, j: number): RegisterValue[] {
  const mac = macAt(kept, loc, i, j);
  const df = kept.spec.dataflow;
  if (!mac) {
    const fold = kept.plan.layers[loc.layer].folds[loc.fold];
    const why = i >= fold.rowsUsed || j >= fold.colsUsed ? 'PE unused in this fold (outside the mapped rows/cols)' : 'no MAC at this cycle (fill or drain of the fold)';
    return (['input', 'weight', 'psum'] as const).map((r) => ({ label: `${r} register`, golden: null, faulty: null, note: `idle: ${why}` }));
  }
  const L = loc.layer;
  const img = loc.inference;
  const { m, k, n } = mac;
  const cache = cacheOf(kept);
  const layer = kept.golden.network.layers[L];
  if (!isArrayKind(layer)) throw new Error(`layer ${L} is not an array layer`);
  const gl = kept.golden.layers[L];
  let lc = cache.lcs.get(L);
  if (!lc) {
    // the array's view: SEC-DED on the SRAMs the run protects, the weight register holding f(w)
    const codec = (sram: 'weightSram' | 'ifmapSram' | 'ofmapSram') => (hasEcc(kept.spec, sram) ? wordCodec(kept.faulty.layout.wordBits) : null);
    const ecc: LayerEcc = { w: codec('weightSram'), x: codec('ifmapSram'), out: codec('ofmapSram') };
    cache.lcs.set(L, (lc = prepareLayer(layer, kept.plan.layers[L], gl.formats, gl.weights, ecc)));
  }
  if (!cache.perImage.has(img)) cache.perImage.set(img, cache.mods.modsFor(img));
  const mods: readonly Mod[] | null = cache.perImage.get(img)?.get(L)?.get(m * lc.geom.N + n) ?? null;
  // golden and faulty layer inputs of this image (the faulty engine's input: upstream faults included)
  const inLen = lc.geom.inH * lc.geom.inW * lc.geom.inC;
  const xG = gl.inputs[0].subarray(img * inLen, (img + 1) * inLen);
  const producer = kept.plan.layers[L].inputIndices[0];
  const src = producer >= 0 ? kept.faulty.output(producer, img) : null;
  const xF = src ? (gl.formats.input.kind === 'fp32' ? src : quantizeArray(gl.formats.input, src)) : xG;
  const idx = rowOf(lc, m)[k];
  const fin = gl.formats.input;
  const fw = gl.formats.weight;
  // register words as the engine forms them (sim/engine/faultyWords.ts registerWords): SRAM word
  // with its faults, SEC-DED decode where the SRAM has ECC, the weight transform on the read path
  // (the weight register holds f(w)), then the register's own faults
  const xwG = encode(fin, idx < 0 ? 0 : xG[idx]);
  const rw = registerWords(lc, k, n, encode(fin, idx < 0 ? 0 : xF[idx]), mods);
  const xwF = rw.input;
  const wwG = rw.clean.weight;
  const wwF = rw.weight;
  const acc = lc.acc;
  const pG = computeAcc(lc, xG, inputOperands(lc, xG), m, n, null, 0, acc.zero, k + 1);
  const pF = computeAcc(lc, xF, inputOperands(lc, xF), m, n, mods, 0, acc.zero, k + 1);
  const accNote = acc.accFracBits > 0 ? `int32 accumulator code (value = code / 2^${acc.accFracBits}); ` : '';
  const modNote = (op: string): string => {
    const c = (mods ?? []).filter((md) => md.k === k && md.operand === op).length;
    return c > 0 ? `${c} fault op${c > 1 ? 's' : ''} on this term` : '';
  };
  const pad = idx < 0 ? ' (padding zero)' : '';
  return [
    { label: `input register x[${m}][${k}]${pad}`, golden: decode(fin, xwG), faulty: decode(fin, xwF), note: [idx >= 0 && xF !== xG && !Object.is(xF[idx], xG[idx]) ? 'input changed upstream' : '', modNote('x')].filter(Boolean).join('; '), diffBits: diffBits(xwG, xwF) },
    { label: `weight register w[${k}][${n}]`, golden: decode(fw, wwG), faulty: decode(fw, wwF), note: modNote('w'), diffBits: diffBits(wwG, wwF) },
    { label: `psum register out(${m}, ${n}) after k = 0..${k}`, golden: pG, faulty: pF, note: `${accNote}${df} MAC step t = ${mac.t}${modNote('acc') ? '; ' + modNote('acc') : ''}`, diffBits: diffBits(acc.encodeAcc(pG), acc.encodeAcc(pF)) },
  ];
}
