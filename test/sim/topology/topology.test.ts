import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseTopology, scaleSimOutDim, topologyLayerToGemm, topologyToGemms, TOPOLOGY_LIMITS } from '../../../sim/topology';

const HEADER = 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,';
const topo = (name: string) => readFileSync(join(__dirname, '../../../topologies', `${name}.csv`), 'utf8');
const fails = (text: string) => {
  const r = parseTopology(text);
  if (r.ok) throw new Error('expected a failure');
  return r;
};

describe('parseTopology: conv form', () => {
  it('parses rows with and without the trailing comma, blank lines and CRLF', () => {
    const r = parseTopology(`${HEADER}\r\nConv1,224,224,11,11,3,96,4,\r\n\r\nConv2, 27 ,27,5,5,96,256,1\n`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.kind).toBe('conv');
    expect(r.value.layers).toEqual([
      { name: 'Conv1', ifmapH: 224, ifmapW: 224, filterH: 11, filterW: 11, channels: 3, numFilters: 96, strideH: 4, strideW: 4, line: 2 },
      { name: 'Conv2', ifmapH: 27, ifmapW: 27, filterH: 5, filterW: 5, channels: 96, numFilters: 256, strideH: 1, strideW: 1, line: 4 },
    ]);
  });
  it('accepts an optional 9th column (stride width)', () => {
    const r = parseTopology(`${HEADER}\nL,10,12,3,3,1,1,1,2,\n`);
    expect(r.ok && r.value.layers[0]).toMatchObject({ strideH: 1, strideW: 2 });
  });
  it('expands "DP" (depthwise) layers per channel like SCALE-Sim', () => {
    const r = parseTopology(`${HEADER}\nConvDP1,10,10,3,3,3,1,1,\n`);
    expect(r.ok && r.value.layers.map((l) => [l.name, l.channels])).toEqual([
      ['ConvDP1Channel_0', 1], ['ConvDP1Channel_1', 1], ['ConvDP1Channel_2', 1],
    ]);
  });
  it('reports line, column, expected and found', () => {
    expect(fails(`${HEADER}\nC1,8,8,3,3,2,5,1,\nC2,8,8,9,3,2,5,1,\n`)).toMatchObject({
      line: 3, column: 'Filter Height', reason: 'line 3, column "Filter Height": expected an integer in 1..8, found 9',
    });
    expect(fails(`${HEADER}\nC1,8,eight,3,3,2,5,1,\n`).reason).toBe('line 2, column "IFMAP Width": expected an integer in 1..1048576, found "eight"');
    expect(fails(`${HEADER}\nC1,8,8,3,3,0,5,1,\n`)).toMatchObject({ line: 2, column: 'Channels' });
    expect(fails(`${HEADER}\nC1,8,8,3,3,2,5,\n`).reason).toMatch(/^line 2: expected 8 or 9 fields .* found 7$/);
    expect(fails(`${HEADER}\n,8,8,3,3,2,5,1\n`)).toMatchObject({ line: 2, column: 'Layer name' });
    expect(fails(`${HEADER}\nC1,-8,8,3,3,2,5,1\n`)).toMatchObject({ line: 2, column: 'IFMAP Height' });
  });
  it('rejects a missing header, an empty file and a header without layers', () => {
    expect(fails('a,b,c\n1,2,3\n').reason).toMatch(/^line 1: expected a header/);
    expect(fails('\n\n')).toMatchObject({ line: 0 });
    expect(fails(`${HEADER}\n`).reason).toContain('at least one layer');
  });
  it('limits: long lines, huge files, too many layers, too many MACs', () => {
    expect(fails(`${HEADER}\n${'x'.repeat(TOPOLOGY_LIMITS.maxLineChars + 1)}\n`)).toMatchObject({ line: 2 });
    expect(fails('x'.repeat(TOPOLOGY_LIMITS.maxChars + 1))).toMatchObject({ line: 0 });
    expect(fails(`${HEADER}\nCDP,4,4,1,1,${TOPOLOGY_LIMITS.maxLayers + 1},1,1\n`).reason).toContain('layers');
    expect(fails(`${HEADER}\nbig,1048576,1048576,1000,1000,1048576,1048576,1\n`).reason).toContain('2^53');
  });
  it('never throws on arbitrary input (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.constantFrom(HEADER, 'L,4,4,2,2,1,1,1,', 'Layer, M, N, K,', 'g,1,2,3,')), { maxLength: 8 }), (ls) => {
        const r = parseTopology(ls.join('\n'));
        return r.ok ? r.value.layers.length > 0 : typeof r.reason === 'string' && r.line >= 0;
      }),
    );
  });
});

describe('parseTopology: GEMM form (M, N, K)', () => {
  it('becomes SCALE-Sim\'s conv form: ifmap M x K, filter 1 x K, N filters', () => {
    const r = parseTopology('Layer Name, M, N, K,\nTest 1, 128, 64, 256,');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.kind).toBe('gemm');
    expect(topologyLayerToGemm(r.value.layers[0])).toEqual({ M: 128, K: 256, N: 64 });
  });
  it('reports the column', () => {
    expect(fails('Layer, M, N, K\ng,1,x,3\n')).toMatchObject({ line: 2, column: 'N' });
    expect(fails('Layer, M, N, K\ng,1,2\n').reason).toContain('expected 4 fields');
  });
});

describe('topology -> GEMM (SCALE-Sim, no padding)', () => {
  it('output size is ceil((H - F + S) / S) as SCALE-Sim v2 computes it', () => {
    // (224-11+4)/4 = 54.25 -> 55, while floor((224-11)/4)+1 = 54: SCALE-Sim keeps a partial window.
    expect(scaleSimOutDim(224, 11, 4)).toBe(55);
    expect(scaleSimOutDim(227, 11, 4)).toBe(55); // exact: (227-11)/4 + 1
    expect(scaleSimOutDim(10, 3, 2)).toBe(5); // ceil(4.5)
    expect(scaleSimOutDim(8, 3, 1)).toBe(6);
  });
  it('M = Ho*Wo, K = Fh*Fw*C, N = filters', () => {
    const l = { name: 'x', ifmapH: 10, ifmapW: 12, filterH: 3, filterW: 2, channels: 4, numFilters: 7, strideH: 2, strideW: 3, line: 2 };
    // Ho = ceil((10-3+2)/2) = 5, Wo = ceil((12-2+3)/3) = 5
    expect(topologyLayerToGemm(l)).toEqual({ M: 25, K: 24, N: 7 });
  });
});

const macs = (name: string) => {
  const r = parseTopology(topo(name));
  if (!r.ok) throw new Error(r.reason);
  return topologyToGemms(r.value).reduce((s, { gemm }) => s + gemm.M * gemm.K * gemm.N, 0);
};

describe('shipped topologies match the published architectures', () => {
  it('LeNet-5: 117,600 + 240,000 + 48,000 + 10,080 + 840 MACs', () => {
    expect(macs('lenet5')).toBe(416_520);
  });
  it('AlexNet (single tower): output maps 55, 27, 13, 13, 13', () => {
    const r = parseTopology(topo('alexnet'));
    if (!r.ok) throw new Error(r.reason);
    const g = topologyToGemms(r.value);
    expect(g.slice(0, 5).map((x) => x.gemm.M)).toEqual([55 * 55, 27 * 27, 13 * 13, 13 * 13, 13 * 13]);
    expect(g.slice(5).map((x) => [x.gemm.K, x.gemm.N])).toEqual([[9216, 4096], [4096, 4096], [4096, 1000]]);
  });
  it('VGG-16: 15,470,264,320 MACs (15.47 GMACs published)', () => {
    expect(macs('vgg16')).toBe(15_470_264_320);
  });
  it('ResNet-18: about 1.81 GMACs; ResNet-50 (v1.5): about 4.09 GMACs', () => {
    expect(Math.abs(macs('resnet18') / 1.814e9 - 1)).toBeLessThan(0.01);
    expect(Math.abs(macs('resnet50') / 4.09e9 - 1)).toBeLessThan(0.01);
  });
  it('ResNet-50 has 53 conv/dense layers with the published stage sizes', () => {
    const r = parseTopology(topo('resnet50'));
    if (!r.ok) throw new Error(r.reason);
    const g = topologyToGemms(r.value);
    expect(g.length).toBe(1 + 16 * 3 + 4 + 1);
    const byName = new Map(g.map((x) => [x.name, x.gemm]));
    expect(byName.get('conv1')).toEqual({ M: 112 * 112, K: 147, N: 64 });
    expect(byName.get('layer2.0.conv2')).toEqual({ M: 28 * 28, K: 9 * 128, N: 128 });
    expect(byName.get('layer4.0.shortcut')).toEqual({ M: 7 * 7, K: 1024, N: 2048 });
    expect(byName.get('fc')).toEqual({ M: 1, K: 2048, N: 1000 });
  });
});
