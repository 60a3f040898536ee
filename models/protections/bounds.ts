/**
 * Applying activation bounds to a network (pure: returns a copy), and the Ranger protection:
 * per-layer bound = max activation seen on profiling data, saturating (`clip`).
 */
import type { Activation, Layer, Network } from '../../sim/layers/types';
import type { LayerProfile } from './profile';

/** Bound of one layer: layer-wise number, per-channel or per-element (h*w*c, NHWC) array. */
export type Bound = number | Float32Array;

/** Returns a copy of `net` where each layer index in `bounds` gets `kind` with that bound. */
export function withBounds(net: Network, bounds: ReadonlyMap<number, Bound>, kind: 'clip' | 'clipZero'): Network {
  const layers = net.layers.map((l, i): Layer => {
    const b = bounds.get(i);
    if (b === undefined || !('activation' in l)) return l;
    const activation: Activation = { kind, bound: typeof b === 'number' ? b : Float32Array.from(b) };
    return { ...l, activation } as Layer;
  });
  return { ...net, layers };
}

/** Ranger: every profiled layer saturates at its profiled max (layer-wise). */
export function rangerBounds(profile: readonly LayerProfile[]): Map<number, Bound> {
  return new Map(profile.map((p) => [p.index, p.max]));
}

/** The bounds a network carries: layer index -> bound, for clip / clipZero layers. */
export function boundsOf(net: Network): Map<number, Bound> {
  const m = new Map<number, Bound>();
  net.layers.forEach((l, i) => {
    if ('activation' in l && (l.activation.kind === 'clip' || l.activation.kind === 'clipZero')) m.set(i, l.activation.bound);
  });
  return m;
}

/** Number of stored bound values of a network (each layer-wise bound counts 1). */
export function boundCount(net: Network): number {
  let n = 0;
  for (const b of boundsOf(net).values()) n += typeof b === 'number' ? 1 : b.length;
  return n;
}

/**
 * One log line per bounded layer of `profile`: the bound `net` carries (the mean for a per-unit /
 * per-element bound) beside the layer's profiled max (activation units), e.g. "fc1 mean 7.39 (max 24.62)".
 */
export function boundSummary(net: Network, profile: readonly LayerProfile[]): string {
  const bounds = boundsOf(net);
  return profile.map((p) => {
    const b = bounds.get(p.index);
    if (b === undefined) return `${p.name} unbounded (max ${p.max.toFixed(3)})`;
    const mean = typeof b === 'number' ? b : b.reduce((a, v) => a + v, 0) / Math.max(1, b.length);
    return `${p.name} ${typeof b === 'number' ? '' : 'mean '}${mean.toFixed(3)} (max ${p.max.toFixed(3)})`;
  }).join(', ');
}
