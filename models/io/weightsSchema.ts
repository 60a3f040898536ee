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

const docSchema = z.object({
  format: z.literal('faultline-weights-v1'),
  meta: z.looseObject({}),
  network: z.looseObject({ layers: z.array(z.unknown()).max(WEIGHTS_LIMITS.maxLayers) }),
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
    return fail(`${file}: ${path || '(document)'}: ${i.message}`, path || undefined);
  }
  const depth = jsonDepth((doc as { network: unknown }).network, WEIGHTS_LIMITS.maxDepth);
  if (depth > WEIGHTS_LIMITS.maxDepth) return fail(`${file}: network: nested deeper than ${WEIGHTS_LIMITS.maxDepth} levels`, 'network');
  return ok(true);
}
