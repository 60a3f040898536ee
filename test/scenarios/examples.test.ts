import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ARRAY_SPEC } from '../../sim/array/spec';
import { listScenarios } from '../../scenarios/io/catalog';
import { loadScenarioFile, parseScenarioFile } from '../../scenarios/io/load';
import { SCHEMA_FILE, schemaFileText } from '../../scenarios/io/emit-schema';
import { ScenarioFileStrictSchema } from '../../scenarios/schema';

const examples = listScenarios();

describe('example scenario library', () => {
  it('ships at least 8 examples, each with a name and a real description', () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
    for (const e of examples) {
      expect(e.name).not.toBe(e.id);
      expect(e.description.length).toBeGreaterThan(80);
    }
  });

  it('covers the scenarios the issue asks for', () => {
    const ids = examples.map((e) => e.id);
    for (const id of ['single-seu-weight', 'act-burst-one-layer', 'psum-msb-stuck-at-1', 'dead-pe-column', 'aging', 'radiation-burst-scrub', 'mbu-2x2-pe', 'ber-sweep']) {
      expect(ids).toContain(id);
    }
  });

  for (const e of examples) {
    it(`${e.id} validates against the default 16x16 ws fp32 array and the strict schema`, () => {
      const r = loadScenarioFile(e.file, DEFAULT_ARRAY_SPEC);
      if (!r.ok) throw new Error(r.reason);
      const raw = JSON.parse(readFileSync(e.file, 'utf8'));
      expect(raw.$schema).toBe('../scenario.schema.json');
      const strict = ScenarioFileStrictSchema.safeParse(raw);
      expect(strict.success ? [] : strict.error.issues).toEqual([]);
    });
  }

  it('scenario.schema.json is up to date with the zod schema (npx tsx scenarios/io/emit-schema.ts)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(schemaFileText());
    const schema = JSON.parse(schemaFileText());
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'description', 'version', 'machine']));
  });

  it('file loading reports the path of a missing or invalid file', () => {
    const missing = parseScenarioFile('/nonexistent/x.json');
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.reason).toMatch(/^\/nonexistent\/x\.json: \(document\): cannot read file/);
    // The dead-column example needs 8 columns: a 4x4 array is refused with the path of the constraint.
    const dead = examples.find((x) => x.id === 'dead-pe-column');
    const r = loadScenarioFile(dead!.file, { ...DEFAULT_ARRAY_SPEC, rows: 4, cols: 4 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain('dead-pe-column.json:');
    if (!r.ok) expect(r.errors.map((x) => x.path)).toContain('requires.cols');
  });
});
