import { readdirSync } from 'node:fs';
import { join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTextFileSafe } from '../../models/io/safeFile';
import { parseJsonText } from '../json';
import { MAX_SCENARIO_CHARS } from '../validate';

/** Summary of one scenario file on disk. */
export interface ScenarioInfo {
  /** File name without `.json`. */
  readonly id: string;
  /** Absolute path of the file. */
  readonly file: string;
  /** Human name (`name` field, or the id). */
  readonly name: string;
  /** One-paragraph description (`description` field, or ""). */
  readonly description: string;
}

/** Directory holding the shipped example scenarios. */
export const EXAMPLES_DIR = fileURLToPath(new URL('../examples', import.meta.url));

/** Lists `*.json` scenarios in `dir` (default: the shipped examples), sorted by id. Files that
 * are not valid JSON are listed with their parse error as the description. */
export function listScenarios(dir: string = EXAMPLES_DIR): readonly ScenarioInfo[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return names.map((n) => {
    const file = join(dir, n);
    const id = basename(n, '.json');
    // regular files of bounded size only: a FIFO or device named *.json must not hang or flood the listing
    const text = readTextFileSafe(file, { maxBytes: MAX_SCENARIO_CHARS * 4, label: n });
    const parsed = text.ok ? parseJsonText(text.value, n) : text;
    if (!parsed.ok) return { id, file, name: id, description: `unreadable: ${parsed.reason}` };
    const doc = (parsed.value ?? {}) as { name?: unknown; description?: unknown };
    return {
      id,
      file,
      name: typeof doc.name === 'string' ? doc.name : id,
      description: typeof doc.description === 'string' ? doc.description : '',
    };
  });
}
