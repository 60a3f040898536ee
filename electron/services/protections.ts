/**
 * `catalog.protections`: the protections `sim.run` can apply to a model. Lists `relu` (none) and
 * every protection whose calibrated weights are committed as
 * models/weights/protected/<model>+<protection>.json/.bin, and `ecc` (SEC-DED on the SRAMs, inside
 * the cycle model of the run pipeline; combinations such as `ranger+ecc` are accepted by sim.run).
 * Protections that act on per-layer int8 formats (`ptq`, `qat`, `saq`) are left out.
 * File listing only (no tfjs), so it runs in the main process.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
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
export function protectionsFor(model: string, dir = join(WEIGHTS_DIR, 'protected')): ProtectionOption[] {
  const out: ProtectionOption[] = [{ id: 'relu', description: describe('relu') }];
  if (!existsSync(dir)) return MODELS.some((m) => m.id === model) ? [...out, { id: 'ecc', description: describe('ecc') }] : out;
  const prefix = `${model}+`;
  const ids = new Set<string>();
  for (const f of readdirSync(dir)) {
    if (!f.startsWith(prefix) || !f.endsWith('.json')) continue;
    const stem = f.slice(prefix.length, -'.json'.length);
    if (!existsSync(join(dir, `${model}+${stem}.bin`))) continue;
    const p = parseProtection(stem);
    if (p.ok && p.value.id === stem && p.value.id !== 'relu' && appliesToNetwork(p.value)) ids.add(stem);
  }
  for (const id of [...ids].sort()) out.push({ id, description: describe(id) });
  if (MODELS.some((m) => m.id === model)) out.push({ id: 'ecc', description: describe('ecc') });
  return out;
}
