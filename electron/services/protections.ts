/**
 * `catalog.protections`: the protections `sim.run` can apply to a model. Lists `relu` (none) and
 * every protection whose calibrated weights are committed as
 * models/weights/protected/<model>+<protection>.json/.bin, and `ecc` (SEC-DED on the SRAMs, inside
 * the cycle model of the run pipeline; combinations such as `ranger+ecc` are accepted by sim.run).
 * Protections that act on per-layer int8 formats (`ptq`, `qat`, `saq`) are left out.
 * For an .onnx model (a path or `imported:<file>.onnx`) the protected files sit beside the .onnx
 * file as `<file stem>+<protection>.json/.bin` (models/protections/io.ts protectedDir), and `ecc`
 * applies too. File listing only (no tfjs), so it runs in the main process.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { resolveModelRef } from '../../models/io/load';
import { WEIGHTS_DIR } from '../../models/io/weights';
import { MODELS } from '../../models/registry';
import { parseProtection, PROTECTION_CATALOGUE, type ProtectionSpec } from '../../models/protections/spec';

/** One protection offered for a model. */
export interface ProtectionOption {
  /** Canonical id, e.g. "proact+saf". */
  readonly id: string;
  /** Catalogue sentences of its parts. */
  readonly description: string;
}

/** True when `sim.run` shows the protection's effect by swapping the network (no ECC, no int8 formats). */
export function appliesToNetwork(p: ProtectionSpec): boolean {
  return !p.ecc && !p.ptq && !p.qat && !p.saq;
}

function describe(id: string): string {
  return id.split('+').map((part) => {
    const key = part.startsWith('saf') ? 'saf' : part;
    return PROTECTION_CATALOGUE.find((c) => c.id === key)?.description ?? part;
  }).join(' + ');
}

/** Protections for `model`: relu first, then those with committed protected weights, sorted by id. */
export function protectionsFor(model: string, protectedDir = join(WEIGHTS_DIR, 'protected')): ProtectionOption[] {
  const out: ProtectionOption[] = [{ id: 'relu', description: describe('relu') }];
  const onnx = /\.onnx$/i.test(model);
  const file = onnx ? resolveModelRef(model) : null;
  if (file && !file.ok) return out;
  const dir = file ? dirname(file.value) : protectedDir;
  const stemOf = file ? basename(file.value).replace(/\.onnx$/i, '') : model;
  const known = onnx || MODELS.some((m) => m.id === model);
  if (!existsSync(dir)) return known ? [...out, { id: 'ecc', description: describe('ecc') }] : out;
  const prefix = `${stemOf}+`;
  const ids = new Set<string>();
  for (const f of readdirSync(dir)) {
    if (!f.startsWith(prefix) || !f.endsWith('.json')) continue;
    const stem = f.slice(prefix.length, -'.json'.length);
    if (!existsSync(join(dir, `${stemOf}+${stem}.bin`))) continue;
    const p = parseProtection(stem);
    if (p.ok && p.value.id === stem && p.value.id !== 'relu' && appliesToNetwork(p.value)) ids.add(stem);
  }
  for (const id of [...ids].sort()) out.push({ id, description: describe(id) });
  if (known) out.push({ id: 'ecc', description: describe('ecc') });
  return out;
}
