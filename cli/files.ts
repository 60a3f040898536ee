/** Bounded text-file reading for CLI inputs (models/io/safeFile.ts: regular files only, size first, BOM removed). */
import { readTextFileSafe } from '../models/io/safeFile';
import { CliError } from './errors';

/** Largest input file read by the CLI, bytes (4 MiB). */
export const MAX_INPUT_BYTES = 4 * 1024 * 1024;

/** Reads a UTF-8 text file, failing with `file: reason` (exit 2) when missing, not a regular file or too large. */
export function readTextFile(file: string, maxBytes = MAX_INPUT_BYTES): string {
  const r = readTextFileSafe(file, { maxBytes });
  if (!r.ok) throw new CliError(r.reason);
  return r.value;
}
