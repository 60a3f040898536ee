/**
 * Systolic wavefront for the demo: which PEs are busy at a fold-local cycle. Operands enter with a
 * skew of one cycle per row and column, so PE (i, j) works on stream element (local - i - j); it is
 * busy while that index lies in 0..T-1. Pure; the demo draws the result.
 */

/** Busy level per PE (row-major R*C): 1 busy, 0.25 mapped but idle at this cycle, 0 unmapped. */
export function wavefront(R: number, C: number, rowsUsed: number, colsUsed: number, local: number, T: number, out = new Float32Array(R * C)): Float32Array {
  out.fill(0);
  for (let i = 0; i < rowsUsed; i++) {
    for (let j = 0; j < colsUsed; j++) {
      const e = local - i - j;
      out[i * C + j] = e >= 0 && e < T ? 1 : 0.25;
    }
  }
  return out;
}
