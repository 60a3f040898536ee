/**
 * SCALE-Sim topology CSV parsing (convolution form and GEMM "M, N, K" form) and conversion of a
 * topology row to a GEMM shape. Pure string -> located Result; hostile inputs hit TOPOLOGY_LIMITS.
 */
import type { GemmShape } from '../types';
import { ok } from '../result';
import { TOPOLOGY_LIMITS, type LineFailure, type LineResult, type Topology, type TopologyLayer } from './types';

/** Column names of SCALE-Sim's convolution topology CSV, in order (a 9th, stride width, is optional). */
export const CONV_COLUMNS = [
  'Layer name', 'IFMAP Height', 'IFMAP Width', 'Filter Height', 'Filter Width', 'Channels', 'Num Filter', 'Strides', 'Stride Width',
] as const;
/** Column names of SCALE-Sim's GEMM topology CSV, in order. */
export const GEMM_COLUMNS = ['Layer Name', 'M', 'N', 'K'] as const;

/** Builds a located failure: "line 3, column "Channels": expected ..., found ...". */
export function lineFail(line: number, message: string, column?: string): LineFailure {
  const where = line > 0 ? `line ${line}${column !== undefined ? `, column "${column}"` : ''}: ` : '';
  const base = { ok: false as const, reason: `${where}${message}`, line };
  return column === undefined ? base : { ...base, column, path: column };
}

function show(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}...` : s);
}

/** Splits a CSV line into trimmed fields, dropping one trailing empty field (SCALE-Sim's trailing comma). */
function fields(line: string): string[] {
  const f = line.split(',').map((s) => s.trim());
  if (f.length > 1 && f[f.length - 1] === '') f.pop();
  return f;
}

function int(raw: string, lo: number, hi: number, line: number, column: string): LineResult<number> {
  if (!/^\d{1,16}$/.test(raw)) return lineFail(line, `expected an integer in ${lo}..${hi}, found ${show(raw)}`, column);
  const v = Number(raw);
  if (v < lo || v > hi) return lineFail(line, `expected an integer in ${lo}..${hi}, found ${v}`, column);
  return ok(v);
}

/** Output height/width as SCALE-Sim v2 computes it (no padding): ceil((in - filter + stride) / stride). */
export function scaleSimOutDim(input: number, filter: number, stride: number): number {
  return Math.floor((input - filter + 2 * stride - 1) / stride);
}

/** GEMM of a topology row: M = Ho*Wo, K = Fh*Fw*C, N = filters (SCALE-Sim operand matrices). */
export function topologyLayerToGemm(l: TopologyLayer): GemmShape {
  const ho = scaleSimOutDim(l.ifmapH, l.filterH, l.strideH);
  const wo = scaleSimOutDim(l.ifmapW, l.filterW, l.strideW);
  return { M: ho * wo, K: l.filterH * l.filterW * l.channels, N: l.numFilters };
}

function parseConvRow(f: string[], line: number): LineResult<TopologyLayer> {
  if (f.length < 8 || f.length > 9) {
    return lineFail(line, `expected 8 or 9 fields (${CONV_COLUMNS.slice(0, 8).join(', ')}[, Stride Width]), found ${f.length}`);
  }
  if (f[0] === '') return lineFail(line, 'expected a layer name, found ""', CONV_COLUMNS[0]);
  const max = TOPOLOGY_LIMITS.maxDim;
  const v: number[] = [];
  const bounds: [number, number][] = [[1, max], [1, max], [1, max], [1, max], [1, max], [1, max], [1, max], [1, max]];
  for (let c = 1; c < f.length; c++) {
    const lo = bounds[c - 1][0];
    // filter height/width may not exceed the ifmap (SCALE-Sim asserts the same)
    const hi = c === 3 ? v[0] : c === 4 ? v[1] : bounds[c - 1][1];
    const r = int(f[c], lo, hi, line, CONV_COLUMNS[c]);
    if (!r.ok) return r;
    v.push(r.value);
  }
  const layer: TopologyLayer = {
    name: f[0], ifmapH: v[0], ifmapW: v[1], filterH: v[2], filterW: v[3], channels: v[4], numFilters: v[5],
    strideH: v[6], strideW: v.length > 7 ? v[7] : v[6], line,
  };
  return ok(layer);
}

function parseGemmRow(f: string[], line: number): LineResult<TopologyLayer> {
  if (f.length !== 4) return lineFail(line, `expected 4 fields (${GEMM_COLUMNS.join(', ')}), found ${f.length}`);
  if (f[0] === '') return lineFail(line, 'expected a layer name, found ""', GEMM_COLUMNS[0]);
  const max = TOPOLOGY_LIMITS.maxGemmDim;
  const mnk: number[] = [];
  for (let c = 1; c < 4; c++) {
    const r = int(f[c], 1, max, line, GEMM_COLUMNS[c]);
    if (!r.ok) return r;
    mnk.push(r.value);
  }
  const [m, n, k] = mnk;
  // SCALE-Sim's GEMM form: ifmap m x k, filter 1 x k, 1 channel, n filters, stride 1.
  return ok({ name: f[0], ifmapH: m, ifmapW: k, filterH: 1, filterW: k, channels: 1, numFilters: n, strideH: 1, strideW: 1, line });
}

function isGemmHeader(h: string[]): boolean {
  return h.length >= 4 && h[1].toUpperCase() === 'M' && h[2].toUpperCase() === 'N' && h[3].toUpperCase() === 'K';
}

/**
 * Parses a SCALE-Sim topology CSV. The first non-blank line is the header: "Layer Name, M, N, K"
 * selects GEMM mode, anything with at least 8 columns is the convolution form. Blank lines are
 * skipped; a layer whose name contains "DP" is depthwise and expands, as in SCALE-Sim, into one
 * single-channel layer per channel named `<name>Channel_<c>`. Failures carry the line number,
 * the column name and the expected vs found value.
 */
export function parseTopology(text: string): LineResult<Topology> {
  if (text.length > TOPOLOGY_LIMITS.maxChars) {
    return lineFail(0, `topology: expected at most ${TOPOLOGY_LIMITS.maxChars} characters, found ${text.length}`);
  }
  const lines = text.split(/\r?\n/);
  let kind: 'conv' | 'gemm' | null = null;
  const layers: TopologyLayer[] = [];
  for (let idx = 0; idx < lines.length; idx++) {
    const line = idx + 1;
    const raw = lines[idx];
    if (raw.length > TOPOLOGY_LIMITS.maxLineChars) {
      return lineFail(line, `expected a line of at most ${TOPOLOGY_LIMITS.maxLineChars} characters, found ${raw.length}`);
    }
    if (raw.trim() === '') continue;
    const f = fields(raw.replace(/^\uFEFF/, ''));
    if (kind === null) {
      if (isGemmHeader(f)) kind = 'gemm';
      else if (f.length >= 8) kind = 'conv';
      else return lineFail(line, `expected a header "${CONV_COLUMNS.slice(0, 8).join(', ')}," or "${GEMM_COLUMNS.join(', ')},", found ${show(raw.trim())}`);
      continue;
    }
    const r = kind === 'gemm' ? parseGemmRow(f, line) : parseConvRow(f, line);
    if (!r.ok) return r;
    const l = r.value;
    const expanded = kind === 'conv' && l.name.includes('DP') ? l.channels : 1;
    if (layers.length + expanded > TOPOLOGY_LIMITS.maxLayers) {
      return lineFail(line, `expected at most ${TOPOLOGY_LIMITS.maxLayers} layers, found more`);
    }
    const g = topologyLayerToGemm(l);
    if (g.M * g.K * g.N > Number.MAX_SAFE_INTEGER) {
      return lineFail(line, `expected a layer with at most 2^53 MACs, found M*K*N = ${g.M}*${g.K}*${g.N}`);
    }
    if (expanded === 1) layers.push(l);
    else for (let c = 0; c < expanded; c++) layers.push({ ...l, name: `${l.name}Channel_${c}`, channels: 1 });
  }
  if (kind === null) return lineFail(0, 'topology: expected a header line and at least one layer, found an empty file');
  if (layers.length === 0) return lineFail(0, 'topology: expected at least one layer after the header, found none');
  return ok({ kind, layers });
}
