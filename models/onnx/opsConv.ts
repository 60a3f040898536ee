/**
 * ONNX Conv / QLinearConv / MaxPool / AveragePool / GlobalAveragePool -> simulator layers.
 * Conv weights [M][C/G][kh][kw] become [kh][kw][C/G][M/G] per group; dilations are expanded into
 * the kernel with zero taps (exact: a zero weight adds nothing); a grouped or depthwise conv
 * becomes one channel slice + one conv2d per group + a concat, so each group is its own GEMM on
 * the array, as SCALE-Sim maps it. 1-D (rank 3) operators run as height-1 2-D ones.
 */
import type { Padding } from '../../sim/layers/types';
import type { OnnxNode, OnnxTensor } from './proto';
import { constIn, type Ctx, intAttr, intsAttr, refuse, strAttr, type Value, valueIn } from './context';
import type { ValueLayout } from './layout';

/** 2-D window geometry of a conv or pool node. */
interface Window {
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly dh: number;
  readonly dw: number;
  readonly padding: Padding;
  readonly outH: number;
  readonly outW: number;
}

const SPATIAL = 'rank-4 (N,C,H,W) or rank-3 (N,C,L) inputs';

/** Reads kernel_shape / strides / dilations / pads / auto_pad (and ceil_mode for pools). */
function windowOf(node: OnnxNode, x: Value, kernel: readonly number[], ceil: boolean): Window {
  const sp = x.layout.rank - 2;
  if (sp !== 1 && sp !== 2) refuse(node, `input of rank ${x.layout.rank}`, SPATIAL);
  if (kernel.length !== sp) refuse(node, `kernel of ${kernel.length} dims for ${sp} spatial dims`, '1-D and 2-D windows');
  const two = (v: readonly number[]): [number, number] => (sp === 1 ? [1, v[0]] : [v[0], v[1]]);
  const [kh0, kw0] = two(kernel);
  const [sh, sw] = two(intsAttr(node, 'strides', new Array<number>(sp).fill(1))!);
  const [dh, dw] = two(intsAttr(node, 'dilations', new Array<number>(sp).fill(1))!);
  if ([kh0, kw0, sh, sw, dh, dw].some((v) => !Number.isInteger(v) || v < 1)) refuse(node, 'kernel, strides and dilations must be integers >= 1', 'positive integer attributes');
  const kh = (kh0 - 1) * dh + 1;
  const kw = (kw0 - 1) * dw + 1;
  const { h, w } = x.layout.shape;
  const auto = strAttr(node, 'auto_pad', 'NOTSET');
  let pads: number[];
  if (auto === 'NOTSET') {
    const p = intsAttr(node, 'pads', new Array<number>(2 * sp).fill(0))!;
    pads = sp === 1 ? [0, p[0], 0, p[1]] : [p[0], p[1], p[2], p[3]];
  } else if (auto === 'VALID') pads = [0, 0, 0, 0];
  else if (auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
    const total = (n: number, k: number, s: number): number => Math.max(0, (Math.ceil(n / s) - 1) * s + k - n);
    const split = (t: number): [number, number] => (auto === 'SAME_UPPER' ? [Math.floor(t / 2), t - Math.floor(t / 2)] : [t - Math.floor(t / 2), Math.floor(t / 2)]);
    const [pt, pb] = split(total(h, kh, sh));
    const [pl, pr] = split(total(w, kw, sw));
    pads = [pt, pl, pb, pr];
  } else return refuse(node, `auto_pad '${auto}'`, 'NOTSET, VALID, SAME_UPPER, SAME_LOWER');
  if (pads.some((p) => !Number.isInteger(p) || p < 0)) refuse(node, `pads [${pads.join(', ')}]`, 'non-negative pads');
  const padding: Padding = { top: pads[0], left: pads[1], bottom: pads[2], right: pads[3] };
  const out = (n: number, k: number, s: number, a: number, b: number): number => (ceil ? Math.ceil((n + a + b - k) / s) : Math.floor((n + a + b - k) / s)) + 1;
  const outH = out(h, kh, sh, padding.top, padding.bottom);
  const outW = out(w, kw, sw, padding.left, padding.right);
  if (outH < 1 || outW < 1) refuse(node, `window ${kh}x${kw} does not fit the padded ${h}x${w} input`, 'windows inside the padded input');
  // ceil mode: extra padding after the input so the floor formula of the simulator gives the same size
  const extra = (o: number, k: number, s: number, n: number, a: number, b: number): number => Math.max(0, (o - 1) * s + k - n - a - b);
  return {
    kh, kw, sh, sw, dh, dw, outH, outW,
    padding: { ...padding, bottom: padding.bottom + extra(outH, kh, sh, h, padding.top, padding.bottom), right: padding.right + extra(outW, kw, sw, w, padding.left, padding.right) },
  };
}

function outLayout(x: ValueLayout, c: number, outH: number, outW: number): ValueLayout {
  return x.rank === 4 ? { rank: 4, dims: [c, outH, outW], shape: { h: outH, w: outW, c } } : { rank: 3, dims: [c, outW], shape: { h: 1, w: outW, c } };
}

/** Emits conv2d layers (one per group) for float weights w [M][C/G][k...]; returns the output value. */
export function emitConv(ctx: Ctx, node: OnnxNode, x: Value, W: OnnxTensor, wData: Float32Array, bias: Float32Array | null): Value {
  const group = intAttr(node, 'group', 1);
  const C = x.layout.shape.c;
  const [M, Cg] = W.dims;
  const kernel = W.dims.slice(2);
  const ks = intsAttr(node, 'kernel_shape', null);
  if (ks && ks.join() !== kernel.join()) refuse(node, `kernel_shape [${ks.join(', ')}] differs from the weights' [${kernel.join(', ')}]`, 'kernel_shape equal to the weight dims');
  if (!Number.isInteger(group) || group < 1 || C % group !== 0 || M % group !== 0 || Cg * group !== C) {
    refuse(node, `group ${group} with ${C} input channels, weights [${W.dims.join(', ')}]`, 'group dividing both channel counts, weights [M, C/group, kh, kw]');
  }
  const win = windowOf(node, x, kernel, false);
  const kh0 = kernel.length === 1 ? 1 : kernel[0];
  const kw0 = kernel[kernel.length - 1];
  const Mg = M / group;
  if (win.dh > 1 || win.dw > 1) ctx.notes.push(`Conv '${node.name}': dilations ${win.dh}x${win.dw} expanded into a ${win.kh}x${win.kw} kernel with zero taps`);
  const convs: string[] = [];
  const base = ctx.uniqueName(node.name);
  for (let g = 0; g < group; g++) {
    const w = new Float32Array(win.kh * win.kw * Cg * Mg);
    for (let m = 0; m < Mg; m++) {
      for (let c = 0; c < Cg; c++) {
        for (let ky = 0; ky < kh0; ky++) {
          for (let kx = 0; kx < kw0; kx++) {
            const src = (((g * Mg + m) * Cg + c) * kh0 + ky) * kw0 + kx;
            w[(((ky * win.dh) * win.kw + kx * win.dw) * Cg + c) * Mg + m] = wData[src];
          }
        }
      }
    }
    let input = x.layer;
    const name = group === 1 ? base : ctx.uniqueName(`${base}/g${g}`);
    if (group > 1) input = ctx.push({ kind: 'slice', name: ctx.uniqueName(`${base}/slice${g}`), inputs: [x.layer], start: g * Cg, count: Cg });
    convs.push(ctx.push({
      kind: 'conv2d', name, inputs: [input], kh: win.kh, kw: win.kw, inC: Cg, outC: Mg, strideH: win.sh, strideW: win.sw, padding: win.padding,
      weights: w, bias: bias ? bias.slice(g * Mg, (g + 1) * Mg) : null, activation: { kind: 'linear' },
    }));
  }
  const layer = group === 1 ? convs[0] : ctx.push({ kind: 'concat', name: ctx.uniqueName(`${base}/concat`), inputs: convs });
  if (group > 1) ctx.notes.push(`Conv '${node.name}': ${group} groups mapped as ${group} GEMMs (slice + conv2d per group + concat)`);
  return { layer, layout: outLayout(x.layout, M, win.outH, win.outW) };
}

/** ONNX Conv. */
export function convertConv(ctx: Ctx, node: OnnxNode): void {
  const x = valueIn(ctx, node, 0);
  const W = constIn(ctx, node, 1)!;
  if (W.dims.length !== x.layout.rank) refuse(node, `weights of rank ${W.dims.length} for an input of rank ${x.layout.rank}`, 'weights [M, C/group, kh, kw] (or [M, C/group, k] for 1-D)');
  const B = constIn(ctx, node, 2, true);
  if (B && B.data.length !== W.dims[0]) refuse(node, `bias of ${B.data.length} values for ${W.dims[0]} output channels`, 'a bias of M values');
  const n0 = ctx.layers.length;
  ctx.values.set(node.outputs[0], emitConv(ctx, node, x, W, W.data, B ? B.data : null));
  ctx.arrayOut.set(node.outputs[0], ctx.layers.slice(n0).filter((l) => l.kind === 'conv2d').map((l) => l.name));
}

/** ONNX MaxPool / AveragePool. */
export function convertPool(ctx: Ctx, node: OnnxNode): void {
  const x = valueIn(ctx, node, 0);
  if (node.outputs.length > 1 && node.outputs[1] !== '') refuse(node, 'the Indices output is used', 'pooled values only');
  const kernel = intsAttr(node, 'kernel_shape', null);
  if (!kernel) return refuse(node, 'no kernel_shape', 'kernel_shape attribute');
  const win = windowOf(node, x, kernel, intAttr(node, 'ceil_mode', 0) === 1);
  if (win.dh > 1 || win.dw > 1) refuse(node, `dilations ${win.dh}x${win.dw}`, 'dilations 1');
  const isMax = node.opType === 'MaxPool';
  const p = win.padding;
  const padded = p.top + p.bottom + p.left + p.right > 0;
  if (!isMax && padded && intAttr(node, 'count_include_pad', 0) === 1) refuse(node, 'count_include_pad=1 with padding', 'count_include_pad=0 (the vector unit averages over real elements only) or no padding');
  const layer = ctx.push({ kind: isMax ? 'maxpool' : 'avgpool', name: ctx.uniqueName(node.name), inputs: [x.layer], ph: win.kh, pw: win.kw, strideH: win.sh, strideW: win.sw, padding: p });
  ctx.values.set(node.outputs[0], { layer, layout: outLayout(x.layout, x.layout.shape.c, win.outH, win.outW) });
}

/** ONNX GlobalAveragePool. */
export function convertGlobalAvgPool(ctx: Ctx, node: OnnxNode): void {
  const x = valueIn(ctx, node, 0);
  if (x.layout.rank < 3) refuse(node, `input of rank ${x.layout.rank}`, SPATIAL);
  const layer = ctx.push({ kind: 'globalavgpool', name: ctx.uniqueName(node.name), inputs: [x.layer] });
  ctx.values.set(node.outputs[0], { layer, layout: outLayout(x.layout, x.layout.shape.c, 1, 1) });
}
