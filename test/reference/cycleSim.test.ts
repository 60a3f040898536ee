import { describe, expect, it } from 'vitest';
import { runBoth, layerBits, seeded, spec, tinyNet, denseNet, convNet } from '../sim/engine/faultyHelpers';

describe('reference cycle simulator without faults equals the array-order golden run', () => {
  const cases = [
    ['tiny conv net 4x3', tinyNet(), 6 * 6 * 2],
    ['dense 7->5 on 3x2', denseNet(7, 5), 7],
    ['conv 5x5x2 k3 -> 4', convNet(5, 5, 2, 4, 3), 50],
  ] as const;
  for (const df of ['ws', 'os', 'is'] as const) {
    for (const [name, net, size] of cases) {
      it(`${name} (${df})`, () => {
        const s = name.startsWith('dense') ? spec(3, 2, df) : spec(4, 3, df);
        const c = runBoth(net, s, seeded(2 * size, 11), []);
        for (let L = 0; L < net.layers.length; L++) {
          for (let img = 0; img < 2; img++) {
            const b = layerBits(c, L, img);
            expect(b.reference).toEqual(b.golden);
            expect(b.engine).toEqual(b.golden);
          }
        }
        expect(c.engine.touchedImages).toEqual([]);
      });
    }
  }
});
