import { readdirSync, readFileSync } from 'node:fs';
import { join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

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
    try {
      const doc = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; description?: unknown };
      return {
        id,
        file,
        name: typeof doc.name === 'string' ? doc.name : id,
        description: typeof doc.description === 'string' ? doc.description : '',
      };
    } catch (e) {
      return { id, file, name: id, description: `unreadable: ${(e as Error).message}` };
    }
  });
}
