/** The ArraySpec of an IPC array description (light: safe to import on the main thread). */
import type { z } from 'zod';
import { parseArraySpec } from '../../../sim/array/spec';
import type { ArraySpec } from '../../../sim/types';
import type { ArrayInput } from '../../../ipc/sim-schemas';
import { RequestError } from './errors';

/** The ArraySpec of an IPC array description (the same SRAM size for all three buffers). */
export function specOf(a: z.output<typeof ArrayInput>): ArraySpec {
  const s = parseArraySpec({
    rows: a.rows, cols: a.cols, dataflow: a.dataflow, format: a.format,
    sram: { weightKiB: a.sramKiB, ifmapKiB: a.sramKiB, ofmapKiB: a.sramKiB, banks: 1 },
  });
  if (!s.ok) throw new RequestError(`array: ${s.reason}`, s.path ? `array.${s.path}` : 'array');
  return s.value;
}

