/** Bounded text-file reading for CLI inputs. */
import { readFileSync, statSync } from 'node:fs';
import { CliError } from './errors';

/** Largest input file read by the CLI, bytes (4 MiB). */
export const MAX_INPUT_BYTES = 4 * 1024 * 1024;

/** Reads a UTF-8 text file, failing with `file: reason` (exit 2) when missing, not a file or too large. */
export function readTextFile(file: string, maxBytes = MAX_INPUT_BYTES): string {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new CliError(`${file}: expected a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (size > maxBytes) throw new CliError(`${file}: expected at most ${maxBytes} bytes, found ${size}`);
  return readFileSync(file, 'utf8');
}
