/**
 * SCALE-Sim .cfg (INI) parsing into an ArraySpec. Keys are case-insensitive as in Python's
 * configparser; "key: value" and "key = value" both work; lines starting with # or ; are comments.
 */
import { parseArraySpec, parseDataflow } from '../array/spec';
import { ok } from '../result';
import { lineFail } from './csv';
import { TOPOLOGY_LIMITS, type LineResult, type ScaleSimConfig } from './types';

interface Entry {
  readonly value: string;
  readonly line: number;
  readonly key: string;
}

type Sections = Map<string, { line: number; entries: Map<string, Entry> }>;

function readIni(text: string): LineResult<Sections> {
  if (text.length > TOPOLOGY_LIMITS.maxChars) {
    return lineFail(0, `config: expected at most ${TOPOLOGY_LIMITS.maxChars} characters, found ${text.length}`);
  }
  const sections: Sections = new Map();
  let current: { line: number; entries: Map<string, Entry> } | null = null;
  const lines = text.split(/\r?\n/);
  for (let idx = 0; idx < lines.length; idx++) {
    const line = idx + 1;
    const raw = lines[idx];
    if (raw.length > TOPOLOGY_LIMITS.maxLineChars) {
      return lineFail(line, `expected a line of at most ${TOPOLOGY_LIMITS.maxLineChars} characters, found ${raw.length}`);
    }
    const s = raw.replace(/^\uFEFF/, '').trim();
    if (s === '' || s.startsWith('#') || s.startsWith(';')) continue;
    const sec = /^\[([^\]]+)\]$/.exec(s);
    if (sec !== null) {
      const name = sec[1].trim().toLowerCase();
      if (sections.has(name)) return lineFail(line, `expected each section once, found a second [${sec[1].trim()}]`);
      current = { line, entries: new Map() };
      sections.set(name, current);
      continue;
    }
    const kv = /^([^:=]+?)\s*[:=]\s*(.*)$/.exec(s);
    if (kv === null) return lineFail(line, `expected "key: value", "key = value" or "[section]", found ${JSON.stringify(s.slice(0, 40))}`);
    if (current === null) return lineFail(line, `expected a [section] header before "${kv[1]}"`, kv[1]);
    const key = kv[1].toLowerCase();
    if (current.entries.has(key)) return lineFail(line, `expected each key once per section, found a second "${kv[1]}"`, kv[1]);
    current.entries.set(key, { value: kv[2].trim(), line, key: kv[1] });
  }
  return ok(sections);
}

/** Default SCALE-Sim values for keys a config may omit (configs/scale.cfg). */
const DEFAULTS = { ifmapKiB: 64, filterKiB: 64, ofmapKiB: 64, banks: 1 };

/**
 * Parses a SCALE-Sim .cfg. Required: [architecture_presets] ArrayHeight, ArrayWidth, Dataflow.
 * Optional with SCALE-Sim's example defaults: IfmapSramSzkB, FilterSramSzkB, OfmapSramSzkB (64),
 * MemoryBanks (1), offsets (0), Bandwidth (10), [run_presets] InterfaceBandwidth (CALC),
 * [general] run_name (""). Array dimensions must be 1..256 (Faultline's limit). The numeric
 * format is not part of a .cfg: the spec gets fp32.
 */
export function parseScaleSimConfig(text: string): LineResult<ScaleSimConfig> {
  const ini = readIni(text);
  if (!ini.ok) return ini;
  const sections = ini.value;
  const arch = sections.get('architecture_presets');
  if (arch === undefined) return lineFail(0, 'config: expected an [architecture_presets] section, found none');
  const endLine = text.split(/\r?\n/).length;

  const num = (sec: typeof arch, key: string, def: number | null, integer: boolean): LineResult<number> => {
    const e = sec.entries.get(key.toLowerCase());
    if (e === undefined) {
      if (def === null) return lineFail(sec.line, `expected key "${key}" in this section, found none`, key);
      return ok(def);
    }
    const pattern = integer ? /^[+-]?\d{1,15}$/ : /^[+-]?(\d{1,15}(\.\d{0,15})?|\.\d{1,15})$/;
    if (!pattern.test(e.value)) {
      return lineFail(e.line, `expected ${integer ? 'an integer' : 'a number'}, found ${JSON.stringify(e.value.slice(0, 40))}`, e.key);
    }
    return ok(Number(e.value));
  };

  const fieldsOf: [string, number | null, boolean][] = [
    ['ArrayHeight', null, true], ['ArrayWidth', null, true], ['IfmapSramSzkB', DEFAULTS.ifmapKiB, false],
    ['FilterSramSzkB', DEFAULTS.filterKiB, false], ['OfmapSramSzkB', DEFAULTS.ofmapKiB, false],
    ['MemoryBanks', DEFAULTS.banks, true], ['IfmapOffset', 0, true], ['FilterOffset', 0, true], ['OfmapOffset', 0, true],
  ];
  const v: Record<string, number> = {};
  for (const [key, def, integer] of fieldsOf) {
    const r = num(arch, key, def, integer);
    if (!r.ok) return r;
    v[key] = r.value;
  }
  const dfEntry = arch.entries.get('dataflow');
  if (dfEntry === undefined) return lineFail(arch.line, 'expected key "Dataflow" in this section, found none', 'Dataflow');
  const df = parseDataflow(dfEntry.value, 'Dataflow');
  if (!df.ok) return lineFail(dfEntry.line, df.reason.replace(/^Dataflow: /, ''), dfEntry.key);

  const spec = parseArraySpec({
    rows: v.ArrayHeight,
    cols: v.ArrayWidth,
    dataflow: df.value,
    sram: { weightKiB: v.FilterSramSzkB, ifmapKiB: v.IfmapSramSzkB, ofmapKiB: v.OfmapSramSzkB, banks: v.MemoryBanks },
    format: 'fp32',
  });
  if (!spec.ok) {
    const keyOf: Record<string, string> = {
      rows: 'ArrayHeight', cols: 'ArrayWidth', 'sram.weightKiB': 'FilterSramSzkB', 'sram.ifmapKiB': 'IfmapSramSzkB',
      'sram.ofmapKiB': 'OfmapSramSzkB', 'sram.banks': 'MemoryBanks',
    };
    const key = keyOf[spec.path ?? ''] ?? spec.path ?? 'architecture_presets';
    const e = arch.entries.get(key.toLowerCase());
    const msg = spec.reason.replace(/^[^:]+: /, '');
    return lineFail(e?.line ?? arch.line, msg, key);
  }

  const bwEntry = arch.entries.get('bandwidth');
  const bandwidth: number[] = [];
  if (bwEntry !== undefined) {
    for (const part of bwEntry.value.split(',')) {
      const p = part.trim();
      if (!/^\d{1,9}(\.\d{0,9})?$/.test(p) || Number(p) <= 0) {
        return lineFail(bwEntry.line, `expected positive numbers separated by commas, found ${JSON.stringify(bwEntry.value.slice(0, 40))}`, bwEntry.key);
      }
      bandwidth.push(Number(p));
    }
  } else bandwidth.push(10);

  const run = sections.get('run_presets');
  const ibEntry = run?.entries.get('interfacebandwidth');
  const ib = (ibEntry?.value ?? 'CALC').toUpperCase();
  if (ib !== 'CALC' && ib !== 'USER') {
    return lineFail(ibEntry?.line ?? endLine, `expected CALC or USER, found ${JSON.stringify(ibEntry?.value ?? '')}`, ibEntry?.key ?? 'InterfaceBandwidth');
  }
  const runName = sections.get('general')?.entries.get('run_name')?.value ?? '';
  const topo = sections.get('network_presets')?.entries.get('topologycsvloc')?.value;
  const base: ScaleSimConfig = {
    runName,
    spec: spec.value,
    offsets: { ifmap: v.IfmapOffset, filter: v.FilterOffset, ofmap: v.OfmapOffset },
    bandwidth,
    interfaceBandwidth: ib,
  };
  return ok(topo === undefined ? base : { ...base, topologyCsv: topo.replace(/^"(.*)"$/, '$1') });
}
