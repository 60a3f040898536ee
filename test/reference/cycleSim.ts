/**
 * Slow reference simulator (ground truth for the faulty engine): steps every cycle of every fold of
 * every inference with explicit SRAM word arrays and explicit PE registers (stationary, row-stream,
 * column-stream/psum) that move as sim/dataflow/README.md describes, applying faults to words and
 * registers at the cycles they are active. Uniform numeric format (spec.format); no softmax.
 * Order inside a cycle: bulk SRAM writes, SRAM faults, SRAM reads + register moves, weight/input
 * register faults, MACs, psum faults, output drain (ofmap writes), ofmap faults. SRAM words are
 * replayed at each read (Sram below); the weight read path goes through the saturating transform
 * unit, so the PE weight register holds f(w); ECC-protected SRAMs decode at each read.
 */
import type { ArraySpec } from '../../sim/types';
import type { Conv2dLayer, DenseLayer, Network } from '../../sim/layers/types';
import { referenceLayer } from '../../sim/layers/reference';
import { activateValue } from '../../sim/layers/activations';
import { transformWeight } from '../../sim/layers/weights';
import { shapeSize } from '../../sim/layers/shapes';
import { decode, encode, quantize, quantizeArray } from '../../sim/format/format';
import { makeAccumulator, type Accumulator } from '../../sim/format/accumulator';
import { applyOp, type ConcreteFault } from '../../sim/faults/ops';
import type { ScrubEvent } from '../../sim/faults/resolve';
import { wordCodec, type WordCodec } from '../../sim/memory/ecc';
import { isStuckKind, Sram } from './refSram';
import { planRun, type LayerRun } from '../../sim/engine/faultyPlan';
import { addressOf, isTiled, memoryLayout, type MemoryLayout, type SramName } from '../../sim/memory/layout';
import { convGeom, im2colIndex, type ConvGeom } from '../../sim/dataflow/scheduleGeom';

/** A register's value: `hit` = flips that already hit it (an everyValue flip once per value), `clean`
 * = the word before its first flip, `log` = the faults applied to it from that flip on, in order (a
 * stuck-at once per run of cycles), so that a flip can be taken out again at its readEnd. */
type Reg = { valid: boolean; word: number; a: number; b: number; hit?: Set<ConcreteFault>; clean?: number; log?: readonly ConcreteFault[] };
const bubble = (): Reg => ({ valid: false, word: 0, a: -1, b: -1 });

/** Register faults of one cycle: first the flips whose readEnd has come leave the value still held
 * where they hit it (replayed from the clean word without them: the stored value, with any stuck-at
 * that acted on it), then flips (an everyValue flip once per value), then stuck-at bits (they force
 * after a flip of the same cycle and again after every flip during their window). A value that moved
 * on (to a neighbour, into a new psum) keeps its flips. */
function regFaults(regs: Reg[][], faults: ConcreteFault[], c: number, acc?: Accumulator): void {
  const op1 = (w: number, f: ConcreteFault): number => (acc ? acc.decodeAcc(applyOp(acc.encodeAcc(w), f.op)) : applyOp(w, f.op));
  const apply = (f: ConcreteFault): void => {
    const r = regs[f.row][f.col];
    if (r.log === undefined && !isStuckKind(f)) {
      r.log = []; // from the first flip on
      r.clean = r.word;
    }
    r.word = op1(r.word, f);
    if (r.log !== undefined && r.log[r.log.length - 1] !== f) r.log = [...r.log, f];
  };
  for (const f of faults) {
    if (f.readEnd === undefined || c < f.readEnd) continue;
    const r = regs[f.row][f.col];
    if (!r.log?.includes(f)) continue;
    r.log = r.log.filter((q) => q !== f);
    r.word = r.log.reduce(op1, r.clean!);
  }
  for (const f of faults) {
    if (isStuckKind(f) || c < f.start || c >= f.end) continue;
    const r = regs[f.row][f.col];
    if (r.hit?.has(f)) continue;
    r.hit = new Set(r.hit ?? []).add(f);
    apply(f);
  }
  for (const f of faults) if (isStuckKind(f) && c >= f.start && c < f.end) apply(f);
}

const grid = (R: number, C: number): Reg[][] => Array.from({ length: R }, () => Array.from({ length: C }, bubble));

/** Options of the reference run. */
export interface ReferenceOptions {
  /** SRAM scrubs (correct values rewritten at a cycle). */
  readonly scrubs?: readonly ScrubEvent[];
}

/** Outputs of every layer (all images, batch-major) and, per image, whether an ECC read detected an
 * uncorrectable error (DUE). */
export interface ReferenceResult {
  readonly outputs: Float32Array[];
  readonly due: Uint8Array;
}

/** Runs `images` (n x input size) through the network on the array with faults; returns per-layer
 * outputs (all images, batch-major), exactly as the array computes them. */
export function referenceRun(network: Network, spec: ArraySpec, images: Float32Array, faults: readonly ConcreteFault[], options: ReferenceOptions = {}): Float32Array[] {
  return referenceRunFull(network, spec, images, faults, options).outputs;
}

/** referenceRun with the per-image DUE flags. */
export function referenceRunFull(network: Network, spec: ArraySpec, images: Float32Array, faults: readonly ConcreteFault[], options: ReferenceOptions = {}): ReferenceResult {
  const plan = planRun(network, spec);
  const layout = memoryLayout(spec, network, plan);
  const fmt = spec.format;
  const acc = makeAccumulator(fmt);
  const by = (t: string): ConcreteFault[] => faults.filter((f) => f.target === t);
  const scrubsOf = (t: string): number[] => (options.scrubs ?? []).filter((s) => s.target === t).map((s) => s.cycle);
  const codec = (t: 'weightSram' | 'ifmapSram' | 'ofmapSram'): WordCodec | null => (spec.ecc?.[t] ? wordCodec(layout.wordBits) : null);
  const wS = new Sram(layout.capacity.weightSram, by('weightSram'), scrubsOf('weightSram'), codec('weightSram'));
  const iS = new Sram(layout.capacity.ifmapSram, by('ifmapSram'), scrubsOf('ifmapSram'), codec('ifmapSram'));
  const oS = new Sram(layout.capacity.ofmapSram, by('ofmapSram'), scrubsOf('ofmapSram'), codec('ofmapSram'));
  const due = new Uint8Array(images.length / shapeSize(network.input));
  const inSize = shapeSize(network.input);
  const n = images.length / inSize;
  const outs = plan.layers.map((l) => new Float32Array(n * shapeSize(l.outShape)));
  const P = plan.inferenceCycles;
  if (layout.weightsResident) {
    // every array layer's weights written once before cycle 0's faults
    for (const run of plan.layers) {
      const layer = network.layers[run.index];
      if (layer.kind !== 'conv2d' && layer.kind !== 'dense') continue;
      layer.weights.forEach((w, e) => wS.write(addressOf(layout, 'weightSram', run.index, e), encode(fmt, w), 0));
    }
  }
  for (let img = 0; img < n; img++) {
    wS.due = iS.due = oS.due = false;
    const cur: Float32Array[] = [];
    for (const run of plan.layers) {
      const layer = network.layers[run.index];
      const ins = run.inputIndices.map((j) => (j < 0 ? images.subarray(img * inSize, (img + 1) * inSize) : cur[j]));
      let out: Float32Array;
      if (layer.kind === 'conv2d' || layer.kind === 'dense') {
        const sim = new LayerSim(spec, layout, run, layer, acc, { wS, iS, oS }, faults, img * P + run.start);
        out = sim.execute(quantizeArray(fmt, ins[0]));
      } else {
        const shapes = run.inputIndices.map((j) => (j < 0 ? network.input : plan.layers[j].outShape));
        out = quantizeArray(fmt, referenceLayer(layer, ins, shapes, run.outShape, 1));
      }
      cur.push(out);
      outs[run.index].set(out, img * out.length);
    }
    due[img] = wS.due || iS.due || oS.due ? 1 : 0;
  }
  return { outputs: outs, due };
}

class LayerSim {
  private readonly g: ConvGeom;
  private readonly R: number;
  private readonly C: number;
  private readonly carry = new Map<number, number>();
  private x!: Float32Array;
  private readonly result: Float32Array;
  private readonly pending: number[] = [];
  constructor(
    private readonly spec: ArraySpec, private readonly layout: MemoryLayout, private readonly run: LayerRun,
    private readonly layer: Conv2dLayer | DenseLayer, private readonly acc: Accumulator,
    private readonly srams: { wS: Sram; iS: Sram; oS: Sram }, private readonly faults: readonly ConcreteFault[],
    private readonly layerAbs: number,
  ) {
    this.g = convGeom(layer, run.inShape, run.outShape);
    this.R = spec.rows;
    this.C = spec.cols;
    this.result = new Float32Array(this.g.M * this.g.N);
  }

  private addr(s: SramName, e: number): number {
    return addressOf(this.layout, s, this.run.index, e);
  }
  private writeW(e: number, cycle: number): void {
    this.srams.wS.write(this.addr('weightSram', e), encode(this.spec.format, this.layer.weights[e]), cycle);
  }
  private writeX(e: number, cycle: number): void {
    this.srams.iS.write(this.addr('ifmapSram', e), encode(this.spec.format, this.x[e]), cycle);
  }
  /** Word of weight (k, n) read from the weight SRAM at cycle `c`, as the PE weight register
   * receives it: through the saturating transform unit (register holds f(w)) when the layer has one. */
  private readW(k: number, n: number, c: number): number {
    const word = this.srams.wS.read(this.addr('weightSram', k * this.g.N + n), c);
    const t = this.layer.weightTransform;
    if (t === undefined || t === 'none') return word;
    const f = this.spec.format;
    return encode(f, quantize(f, transformWeight(t, decode(f, word))));
  }
  /** Word of input in[m][k] read from the ifmap SRAM at cycle `c` (padding: a zero word, not from SRAM). */
  private readX(m: number, k: number, c: number): number {
    const e = im2colIndex(this.g, m, k);
    return e < 0 ? encode(this.spec.format, 0) : this.srams.iS.read(this.addr('ifmapSram', e), c);
  }
  /** MAC operand of the PE weight register's word (the transform already happened on the read path). */
  private wOperand(word: number): number {
    return this.acc.weightOperand(decode(this.spec.format, word));
  }
  private xOperand(word: number): number {
    return this.acc.inputOperand(decode(this.spec.format, word));
  }
  /** Stored value of output (m, n) from its accumulator; the activation reads bounds at e = m*N + n. */
  private post(a: number, n: number, e: number): number {
    const b = this.layer.bias ? this.acc.add(a, this.acc.biasOperand(this.layer.bias[n])) : a;
    return quantize(this.spec.format, activateValue(this.layer.activation, this.acc.toOutput(b), e));
  }
  private drain(m: number, n: number, a: number, abs: number): void {
    const e = m * this.g.N + n;
    const ad = this.addr('ofmapSram', e);
    this.srams.oS.write(ad, encode(this.spec.format, this.post(a, n, e)), abs);
    if (isTiled(this.layout, 'ofmapSram', this.run.index)) this.pending.push(e, ad);
  }

  execute(x: Float32Array): Float32Array {
    this.x = x;
    const { g } = this;
    const resident = this.layout.weightsResident;
    if (!resident && !isTiled(this.layout, 'weightSram', this.run.index)) {
      for (let e = 0; e < g.K * g.N; e++) this.writeW(e, this.layerAbs);
    }
    if (!isTiled(this.layout, 'ifmapSram', this.run.index)) for (let e = 0; e < x.length; e++) this.writeX(e, this.layerAbs);
    for (const fold of this.run.folds) this.fold(fold);
    const end = this.layerAbs + this.run.cycles;
    if (!isTiled(this.layout, 'ofmapSram', this.run.index)) {
      for (let e = 0; e < this.result.length; e++) this.result[e] = decode(this.spec.format, this.srams.oS.read(this.addr('ofmapSram', e), end));
    }
    return this.result;
  }

  private fold(f: LayerRun['folds'][number]): void {
    const df = this.run.df!;
    const L = df.foldCycles;
    const { R, C, g } = this;
    const flow = df.dataflow;
    const fa = this.layerAbs + f.startCycle;
    const k0 = f.rowStart;
    const c0 = f.colStart;
    const ru = f.rowsUsed;
    const cu = f.colsUsed;
    const T = df.geometry.T;
    // tiled operands: (re)write the elements this fold reads at its first cycle
    if (isTiled(this.layout, 'weightSram', this.run.index)) {
      for (let k = 0; k < g.K; k++) for (let n = 0; n < g.N; n++) if (this.foldReadsW(flow, f, k, n)) this.writeW(k * g.N + n, fa);
    }
    if (isTiled(this.layout, 'ifmapSram', this.run.index)) {
      for (let m = 0; m < g.M; m++) for (let k = 0; k < g.K; k++) {
        const e = im2colIndex(g, m, k);
        if (e >= 0 && this.foldReadsX(flow, f, m, k)) this.writeX(e, fa);
      }
    }
    const st = grid(R, C); // stationary (ws weight / is input) or os column stream (weight)
    const rq = grid(R, C); // row stream
    let ps = grid(R, C);
    const stTarget = flow === 'is' ? 'pe.input' : 'pe.weight';
    const rqTarget = flow === 'is' ? 'pe.weight' : 'pe.input';
    const stF = this.faults.filter((q) => q.target === stTarget);
    const rqF = this.faults.filter((q) => q.target === rqTarget);
    const psF = this.faults.filter((q) => q.target === 'pe.psum');
    for (let c = 0; c < L; c++) {
      const abs = fa + c;
      if (flow === 'os') {
        if (c === 0) for (const row of ps) for (const r of row) Object.assign(r, { valid: true, word: this.acc.zero, hit: undefined, log: undefined });
        for (let i = R - 1; i >= 0; i--) for (let j = C - 1; j >= 0; j--) {
          st[i][j] = i > 0 ? st[i - 1][j] : j < cu && c - j >= 0 && c - j < T ? { valid: true, word: this.readW(c - j, c0 + j, abs), a: c - j, b: 0 } : bubble();
          rq[i][j] = j > 0 ? rq[i][j - 1] : i < ru && c - i >= 0 && c - i < T ? { valid: true, word: this.readX(k0 + i, c - i, abs), a: c - i, b: 0 } : bubble();
        }
        for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) { st[i][j] = { ...st[i][j] }; rq[i][j] = { ...rq[i][j] }; }
        regFaults(st, stF, abs);
        regFaults(rq, rqF, abs);
        for (let i = 0; i < ru; i++) for (let j = 0; j < cu; j++) {
          const k = c - i - j;
          if (k < 0 || k >= T) continue;
          if (st[i][j].a !== k || rq[i][j].a !== k) throw new Error('reference: operands out of step');
          ps[i][j].word = this.acc.mac(ps[i][j].word, this.wOperand(st[i][j].word), this.xOperand(rq[i][j].word));
          ps[i][j].hit = ps[i][j].log = undefined; // a new value
        }
        regFaults(ps, psF, abs, this.acc);
        if (c === L - 1) for (let i = 0; i < ru; i++) for (let j = 0; j < cu; j++) this.drain(k0 + i, c0 + j, ps[i][j].word, abs);
      } else {
        // ws / is: preload the stationary operand down the columns, stream the other along rows
        if (c <= R - 1) {
          for (let p = R - 1; p >= 1; p--) for (let j = 0; j < C; j++) st[p][j] = st[p - 1][j];
          const dest = R - 1 - c;
          for (let j = 0; j < C; j++) {
            st[0][j] = j < cu && dest < ru ? { valid: true, word: flow === 'ws' ? this.readW(k0 + dest, c0 + j, abs) : this.readX(c0 + j, k0 + dest, abs), a: dest, b: j } : bubble();
          }
        }
        for (let i = 0; i < R; i++) {
          for (let j = C - 1; j >= 1; j--) rq[i][j] = rq[i][j - 1];
          const t = c - R - i;
          rq[i][0] = i < ru && t >= 0 && t < T ? { valid: true, word: flow === 'ws' ? this.readX(t, k0 + i, abs) : this.readW(k0 + i, t, abs), a: t, b: i } : bubble();
        }
        for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) { st[i][j] = { ...st[i][j] }; rq[i][j] = { ...rq[i][j] }; }
        regFaults(st, stF, abs);
        regFaults(rq, rqF, abs);
        const next = grid(R, C);
        for (let i = 0; i < R; i++) for (let j = 0; j < cu; j++) {
          const t = c - R - i - j;
          if (t < 0 || t >= T) continue;
          const outIdx = flow === 'ws' ? t * g.N + c0 + j : (c0 + j) * g.N + t;
          const pin = i === 0 ? (f.rowFold === 0 ? this.acc.zero : this.carry.get(outIdx)!) : ps[i - 1][j].word;
          let v = pin;
          if (i < ru) {
            if (st[i][j].a !== i || rq[i][j].a !== t) throw new Error('reference: operands out of step');
            const w = flow === 'ws' ? st[i][j].word : rq[i][j].word;
            const xw = flow === 'ws' ? rq[i][j].word : st[i][j].word;
            v = this.acc.mac(pin, this.wOperand(w), this.xOperand(xw));
          }
          next[i][j] = { valid: true, word: v, a: t, b: outIdx };
        }
        ps = next;
        regFaults(ps, psF, abs, this.acc);
        for (let j = 0; j < cu; j++) {
          const r = ps[R - 1][j];
          if (!r.valid) continue;
          if (f.rowFold === df.rowFolds - 1) this.drain(Math.floor(r.b / g.N), r.b % g.N, r.word, abs);
          else this.carry.set(r.b, r.word);
        }
      }
      // tiled ofmap words are drained off chip in the cycle they are written (after its faults)
      for (let q = 0; q < this.pending.length; q += 2) this.result[this.pending[q]] = decode(this.spec.format, this.srams.oS.read(this.pending[q + 1], abs));
      this.pending.length = 0;
    }
  }

  private foldReadsW(flow: string, f: LayerRun['folds'][number], k: number, n: number): boolean {
    const inRows = k >= f.rowStart && k < f.rowStart + f.rowsUsed;
    const inCols = n >= f.colStart && n < f.colStart + f.colsUsed;
    return flow === 'ws' ? inRows && inCols : flow === 'os' ? inCols : inRows;
  }
  private foldReadsX(flow: string, f: LayerRun['folds'][number], m: number, k: number): boolean {
    const kIn = k >= f.rowStart && k < f.rowStart + f.rowsUsed;
    if (flow === 'ws') return kIn;
    if (flow === 'os') return m >= f.rowStart && m < f.rowStart + f.rowsUsed;
    return kIn && m >= f.colStart && m < f.colStart + f.colsUsed;
  }
}
