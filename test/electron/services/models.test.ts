import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importedFileName, importModel, listAllModels, MAX_IMPORT_BYTES } from '../../../electron/services/models';
import { protectionsFor } from '../../../electron/services/protections';
import { loadModelResult, resolveModelRef } from '../../../models/io/load';
import { encodeModel, node } from '../../../models/onnx/build';
import { ProtectionsRequest } from '../../../ipc/sim-schemas';

const LENET = resolve('models/onnx/examples/lenet5.onnx');
let userDir = '';
let saved: string | undefined;

beforeEach(() => {
  saved = process.env['FAULTLINE_USER_DIR'];
  userDir = mkdtempSync(join(tmpdir(), 'fl-models-'));
  process.env['FAULTLINE_USER_DIR'] = userDir;
});
afterEach(() => {
  if (saved === undefined) delete process.env['FAULTLINE_USER_DIR'];
  else process.env['FAULTLINE_USER_DIR'] = saved;
});

describe('imported models (GUI model picker)', () => {
  it('lists the .onnx files of <user dir>/models after the shipped models, and loads them by id', () => {
    const before = listAllModels();
    expect(before.some((m) => m.id.startsWith('imported:'))).toBe(false);
    mkdirSync(join(userDir, 'models'));
    copyFileSync(LENET, join(userDir, 'models', 'my-net.onnx'));
    writeFileSync(join(userDir, 'models', 'notes.txt'), 'x');
    mkdirSync(join(userDir, 'models', 'folder.onnx'));
    const all = listAllModels();
    expect(all.slice(0, before.length)).toEqual(before);
    expect(all.slice(before.length).map((m) => [m.id, m.name])).toEqual([['imported:my-net.onnx', 'my-net (ONNX)']]);
    const r = loadModelResult('imported:my-net.onnx');
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.net.input).toEqual({ h: 28, w: 28, c: 1 });
  });

  it('an imported id never leaves the folder: other names and symlinks out are refused', () => {
    mkdirSync(join(userDir, 'models'));
    expect(resolveModelRef('imported:../x.onnx').ok).toBe(false);
    expect(resolveModelRef('imported:a/b.onnx').ok).toBe(false);
    symlinkSync(LENET, join(userDir, 'models', 'link.onnx'));
    const link = resolveModelRef('imported:link.onnx');
    expect(link.ok).toBe(false);
    if (!link.ok) expect(link.reason).toContain('outside the folder');
    // the IPC schema accepts the id form, and nothing with a slash
    const req = (model: string) => ProtectionsRequest.safeParse({ model }).success;
    expect([req('imported:net.onnx'), req('lenet5'), req('imported:../x.onnx'), req('imported:a/b.onnx'), req('/etc/x.onnx'), req('imported:.onnx')]).toEqual([true, true, false, false, false, false]);
  });

  it('model.import checks the file with the importer, writes it under a safe name, and refuses unsupported or oversized files', () => {
    const bytes = readFileSync(LENET);
    const r = importModel({ name: 'My LeNet.onnx', data: bytes.toString('base64') });
    expect(r).toEqual({ id: 'imported:My_LeNet.onnx', name: 'My_LeNet' });
    expect(readFileSync(join(userDir, 'models', 'My_LeNet.onnx')).equals(bytes)).toBe(true);
    expect(listAllModels().at(-1)!.id).toBe('imported:My_LeNet.onnx');
    expect(importedFileName('../../etc/passwd')).toMatch(/^[^/.][^/]*etc_passwd\.onnx$/);
    const lstm = encodeModel({ name: 'rnn', input: { name: 'x', dims: ['N', 4] }, output: { name: 'y', dims: ['N', 4] }, nodes: [node('Erf', ['x'], ['y'])], initializers: [] });
    expect(() => importModel({ name: 'erf.onnx', data: Buffer.from(lstm).toString('base64') })).toThrow(/Erf/);
    expect(() => importModel({ name: 'big.onnx', data: Buffer.alloc(MAX_IMPORT_BYTES + 1).toString('base64') })).toThrow(/limit/);
    expect(() => importModel({ name: 'junk.onnx', data: Buffer.from('not a model').toString('base64') })).toThrow();
  });

  it('protections of an imported model are the files beside it (<stem>+<protection>), plus ecc', () => {
    mkdirSync(join(userDir, 'models'));
    copyFileSync(LENET, join(userDir, 'models', 'net.onnx'));
    expect(protectionsFor('imported:net.onnx').map((p) => p.id)).toEqual(['relu', 'ecc']);
    writeFileSync(join(userDir, 'models', 'net+ranger.json'), '{}');
    writeFileSync(join(userDir, 'models', 'net+ranger.bin'), '');
    expect(protectionsFor('imported:net.onnx').map((p) => p.id)).toEqual(['relu', 'ranger', 'ecc']);
  });
});
