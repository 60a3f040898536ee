/**
 * Schema and limits of the Faultline weights document (`<id>.json` next to `<id>.bin`), checked before
 * any tensor is decoded (issue 8: every file is parsed through a schema with limits).
 */
import { z } from 'zod';
import { fail, ok, type Result } from '../../sim/result';

/** Limits of a weights document: tensor count, tensor length (floats), network nesting depth, layers. */
export const WEIGHTS_LIMITS = {
  /** Most tensors one file may list. */
  maxTensors: 100_000,
  /** Most float32 values of one tensor (also bounded by the .bin size). */
  maxTensorLength: 2 ** 27,
  /** Deepest nesting of the `network` object (arrays and objects). */
  maxDepth: 32,
  /** Most layers of the network. */
  maxLayers: 10_000,
} as const;

const tensorEntry = z.object({
  path: z.string().max(1000),
  offset: z.number().int().min(0),
  length: z.number().int().min(0).max(WEIGHTS_LIMITS.maxTensorLength),
  shape: z.array(z.number().int().min(0)).max(8).optional(),
});

/** Sizes, strides and counts: integers 1..2^20. */
const size = z.number().int().min(1).max(1 << 20);
/** Padding on each side: integers 0..2^16 (a pooling padding of 1.5 or null is refused). */
const pad = z.number().int().min(0).max(1 << 16);
const padding = z.strictObject({ top: pad, bottom: pad, left: pad, right: pad });
const WINDOWED = new Set(['conv2d', 'maxpool', 'avgpool']);

/** The geometry fields of a layer record (other fields are checked when the network is built). */
const layerSchema = z.looseObject({
  name: z.string().max(1000),
  kind: z.string().max(64),
  kh: size.optional(), kw: size.optional(), inC: size.optional(), outC: size.optional(),
  strideH: size.optional(), strideW: size.optional(), inF: size.optional(), outF: size.optional(),
  ph: size.optional(), pw: size.optional(), start: z.number().int().min(0).max(1 << 20).optional(), count: size.optional(),
  padding: padding.optional(),
}).refine((l) => !WINDOWED.has(l.kind) || l.padding !== undefined, { message: 'expected padding {top, bottom, left, right} on a conv2d or pooling layer', path: ['padding'] });

const docSchema = z.object({
  format: z.literal('faultline-weights-v1'),
  meta: z.looseObject({}),
  network: z.looseObject({
    input: z.strictObject({ h: size, w: size, c: size }),
    layers: z.array(layerSchema).max(WEIGHTS_LIMITS.maxLayers),
  }),
  tensors: z.array(tensorEntry).max(WEIGHTS_LIMITS.maxTensors),
  binBytes: z.number().int().min(0),
});

/** Nesting depth of a JSON value (0 for scalars); stops counting past `limit`. */
export function jsonDepth(v: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (x === null || typeof x !== 'object') continue;
    if (d + 1 > max) max = d + 1;
    if (max > limit) return max;
    for (const c of Object.values(x as object)) stack.push([c, d + 1]);
  }
  return max;
}

/** Checks a parsed weights document against the schema and WEIGHTS_LIMITS; `file` names it in messages. */
export function checkWeightsDoc(doc: unknown, file = 'weights'): Result<true> {
  const r = docSchema.safeParse(doc);
  if (!r.success) {
    const i = r.error.issues[0]!;
    const path = i.path.map(String).join('.');
    let found: unknown = doc;
    for (const k of i.path) found = found !== null && typeof found === 'object' && Object.hasOwn(found, k) ? (found as Record<PropertyKey, unknown>)[k] : undefined;
    const shown = found === undefined ? 'nothing' : (JSON.stringify(found) ?? String(found)).slice(0, 60);
    return fail(`${file}: ${path || '(document)'}: ${i.message}; found ${shown}`, path || undefined);
  }
  const depth = jsonDepth((doc as { network: unknown }).network, WEIGHTS_LIMITS.maxDepth);
  if (depth > WEIGHTS_LIMITS.maxDepth) return fail(`${file}: network: nested deeper than ${WEIGHTS_LIMITS.maxDepth} levels`, 'network');
  return ok(true);
}
