/**
 * Writes scenarios/scenario.schema.json from the zod schema (run: `npx tsx scenarios/io/emit-schema.ts`).
 * test/scenarios/schema-file.test.ts fails when the committed file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scenarioJsonSchema } from '../schema';

/** Path of the published JSON Schema file. */
export const SCHEMA_FILE = fileURLToPath(new URL('../scenario.schema.json', import.meta.url));

/** The file's exact text (2-space JSON plus a newline). */
export function schemaFileText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, schemaFileText());
  console.log(`wrote ${SCHEMA_FILE}`);
}
