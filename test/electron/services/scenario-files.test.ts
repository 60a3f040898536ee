/** Scenario file services: save only into the user directory, open, list, validate with paths. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileInDir, listAll, openScenario, saveScenario, validateText } from '../../../electron/services/scenario-files';
import { ScenarioSaveRequest } from '../../../ipc/scenario-schemas';

const examples = join(import.meta.dirname, '../../../scenarios/examples');
const array = { rows: 16, cols: 16, dataflow: 'ws' as const, format: 'fp32' as const, sramKiB: 64 };

describe('scenario files', () => {
  it('refuses ids that leave the directory, in the contract and in the service', () => {
    for (const id of ['../x', 'a/b', '..', '/etc/passwd', 'x.json', '']) {
      expect(ScenarioSaveRequest.safeParse({ id, text: '{}' }).success).toBe(false);
      expect(() => fileInDir('/tmp/u', id)).toThrow(/id/);
    }
  });

  it('saves into the user dir, refuses to overwrite unless asked, lists and reopens it', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'fl-')), 'scen');
    const text = readFileSync(join(examples, 'single-seu-weight.json'), 'utf8');
    const a = saveScenario(dir, { id: 'mine', text, overwrite: false });
    expect(a.written).toBe(true);
    expect(readdirSync(dir)).toEqual(['mine.json']);
    expect(saveScenario(dir, { id: 'mine', text: '{}', overwrite: false }).written).toBe(false);
    expect((await openScenario(examples, dir, { source: 'user', id: 'mine' })).text.trim()).toBe(text.trim());
    const list = await listAll(examples, dir);
    expect(list.items.filter((i) => i.source === 'user').map((i) => i.id)).toEqual(['mine']);
    expect(list.items.filter((i) => i.source === 'example').length).toBe(readdirSync(examples).filter((f) => f.endsWith('.json')).length);
    expect(() => saveScenario(dir, { id: 'bad', text: 'not json', overwrite: false })).toThrow(/JSON/);
    expect(existsSync(join(dir, 'bad.json'))).toBe(false);
  });

  it('validates for an array: errors carry the JSON path and line', () => {
    const text = readFileSync(join(examples, 'psum-msb-stuck-at-1.json'), 'utf8');
    expect(validateText({ text, file: 'p.json', array }).valid).toBe(true);
    const small = validateText({ text, file: 'p.json', array: { ...array, rows: 2, cols: 2 } });
    expect(small.valid).toBe(false);
    expect(small.errors.some((e) => /^(machine\.states\.|requires)/.test(e.path))).toBe(true);
    expect(small.errors[0].line).toBeGreaterThan(0);
    const typo = validateText({ text: text.replace('"initial"', '"intial"'), file: 'p.json', array });
    expect(typo.valid).toBe(false);
  });
});
