/**
 * Regenerates the SCALE-Sim topology CSVs in this folder from the published architectures:
 * `npx tsx topologies/generate.ts`. SCALE-Sim has no padding and computes the output size as
 * ceil((H - F + S) / S); each row therefore carries the input extent the layer actually reads,
 * H' = (Ho - 1) * S + F (the padded input, minus padding rows a strided window never reaches), so
 * SCALE-Sim and Faultline both get the published output size Ho. Dense layers are 1x1
 * convolutions on a 1x1 ifmap with Channels = inputs, Num Filter = outputs.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Row { name: string; h: number; w: number; fh: number; fw: number; c: number; n: number; s: number }
const HEADER = 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,';

/** Conv layer with square kernel k, stride s, padding p on an h x h input; returns the row and output size. */
function conv(rows: Row[], name: string, h: number, c: number, n: number, k: number, s: number, p: number): number {
  const ho = Math.floor((h + 2 * p - k) / s) + 1;
  const ext = (ho - 1) * s + k;
  rows.push({ name, h: ext, w: ext, fh: k, fw: k, c, n, s });
  return ho;
}
function dense(rows: Row[], name: string, inF: number, outF: number): void {
  rows.push({ name, h: 1, w: 1, fh: 1, fw: 1, c: inF, n: outF, s: 1 });
}
const pool = (h: number, k: number, s: number, p: number): number => Math.floor((h + 2 * p - k) / s) + 1;

function lenet5(): Row[] {
  // LeNet-5 on 28x28 MNIST (C1 padded by 2 as in the 32x32 original), 2 conv + 3 dense.
  const r: Row[] = [];
  let h = conv(r, 'conv1', 28, 1, 6, 5, 1, 2); // 28
  h = pool(h, 2, 2, 0); // 14
  h = conv(r, 'conv2', h, 6, 16, 5, 1, 0); // 10
  h = pool(h, 2, 2, 0); // 5
  dense(r, 'fc1', h * h * 16, 120);
  dense(r, 'fc2', 120, 84);
  dense(r, 'fc3', 84, 10);
  return r;
}

function alexnet(): Row[] {
  // Krizhevsky et al. 2012, single tower (no channel groups), 227x227 input.
  const r: Row[] = [];
  let h = conv(r, 'conv1', 227, 3, 96, 11, 4, 0); // 55
  h = pool(h, 3, 2, 0); // 27
  h = conv(r, 'conv2', h, 96, 256, 5, 1, 2); // 27
  h = pool(h, 3, 2, 0); // 13
  h = conv(r, 'conv3', h, 256, 384, 3, 1, 1);
  h = conv(r, 'conv4', h, 384, 384, 3, 1, 1);
  h = conv(r, 'conv5', h, 384, 256, 3, 1, 1);
  h = pool(h, 3, 2, 0); // 6
  dense(r, 'fc6', h * h * 256, 4096);
  dense(r, 'fc7', 4096, 4096);
  dense(r, 'fc8', 4096, 1000);
  return r;
}

function vgg16(): Row[] {
  // Simonyan & Zisserman 2014, configuration D, 224x224 input.
  const r: Row[] = [];
  let h = 224;
  let c = 3;
  const stages: [number, number][] = [[64, 2], [128, 2], [256, 3], [512, 3], [512, 3]];
  stages.forEach(([n, reps], si) => {
    for (let i = 0; i < reps; i++) {
      h = conv(r, `conv${si + 1}_${i + 1}`, h, c, n, 3, 1, 1);
      c = n;
    }
    h = pool(h, 2, 2, 0);
  });
  dense(r, 'fc6', h * h * c, 4096);
  dense(r, 'fc7', 4096, 4096);
  dense(r, 'fc8', 4096, 1000);
  return r;
}

function resnet(blocks: number[], bottleneck: boolean): Row[] {
  // He et al. 2015; torchvision layout (ResNet-50 v1.5: the stride sits on the 3x3 conv).
  const r: Row[] = [];
  let h = conv(r, 'conv1', 224, 3, 64, 7, 2, 3); // 112
  h = pool(h, 3, 2, 1); // 56
  let c = 64;
  blocks.forEach((count, li) => {
    const width = 64 << li;
    const out = bottleneck ? width * 4 : width;
    for (let b = 0; b < count; b++) {
      const s = b === 0 && li > 0 ? 2 : 1;
      const p = `layer${li + 1}.${b}`;
      const hin = h;
      if (bottleneck) {
        let t = conv(r, `${p}.conv1`, hin, c, width, 1, 1, 0);
        t = conv(r, `${p}.conv2`, t, width, width, 3, s, 1);
        h = conv(r, `${p}.conv3`, t, width, out, 1, 1, 0);
      } else {
        const t = conv(r, `${p}.conv1`, hin, c, width, 3, s, 1);
        h = conv(r, `${p}.conv2`, t, width, width, 3, 1, 1);
      }
      if (b === 0 && (s !== 1 || c !== out)) conv(r, `${p}.shortcut`, hin, c, out, 1, s, 0);
      c = out;
    }
  });
  dense(r, 'fc', c, 1000);
  return r;
}

const NETS: Record<string, () => Row[]> = {
  lenet5,
  alexnet,
  vgg16,
  resnet18: () => resnet([2, 2, 2, 2], false),
  resnet50: () => resnet([3, 4, 6, 3], true),
};

const here = dirname(fileURLToPath(import.meta.url));
for (const [name, build] of Object.entries(NETS)) {
  const lines = [HEADER, ...build().map((x) => `${x.name},${x.h},${x.w},${x.fh},${x.fw},${x.c},${x.n},${x.s},`)];
  writeFileSync(join(here, `${name}.csv`), `${lines.join('\n')}\n`);
}
