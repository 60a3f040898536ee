/**
 * `sim.inspect`: what one PE or one SRAM word of a finished run holds at a cycle, golden and faulty,
 * plus the faults that sit on it over the run. Values come from the kept golden run and the faulty
 * engine's outputs; PE register contents (input, weight, psum) for every dataflow come from
 * inspectRegs.ts (the MAC the schedule puts on the PE at that cycle, replayed in array order).
 */
import type { z } from 'zod';
import { locateCycle } from '../../../sim/engine/timeline';
import { memoryLayout } from '../../../sim/memory/layout';
import { applyOp, type ConcreteFault } from '../../../sim/faults/ops';
import { decode, encode } from '../../../sim/format/format';
import type { NumericFormat } from '../../../sim/types';
import type { InspectRequest, InspectResponse } from '../../../ipc/sim-schemas';
import type { KeptRun } from './pipeline';
import { peRegisters } from './inspectRegs';
import { RequestError } from './errors';

type Reply = z.input<typeof InspectResponse>;
type Value = Reply['values'][number];

const active = (f: ConcreteFault, c: number): boolean => f.start <= c && c < f.end;

function faultText(f: ConcreteFault): string {
  const where = f.row >= 0 ? `PE (${f.row}, ${f.col})` : `word ${f.address}`;
  return `${f.kind} on ${f.target} ${where}, bit${f.bits.length > 1 ? 's' : ''} ${f.bits.join(', ')}`;
}

/** Applies the ops of `faults` active at `cycle` to `value` stored in `format`. */
function corrupt(format: NumericFormat, value: number, faults: readonly ConcreteFault[], cycle: number): number {
  let w = encode(format, value);
  for (const f of faults) if (active(f, cycle)) w = applyOp(w, f.op);
  return decode(format, w);
}

/** Answers an inspect request on a kept run. */
export function inspect(kept: KeptRun, req: z.output<typeof InspectRequest>): Reply {
  const { spec, plan, golden, faulty } = kept;
  const loc = locateCycle(plan, req.cycle, kept.nImages);
  const where = loc
    ? `inference ${loc.inference}, layer ${loc.layer} (${plan.layers[loc.layer].name}), fold ${loc.fold}, fold cycle ${loc.foldCycle}`
    : 'array idle at this cycle (between layers or past the run)';
  const values: Value[] = [];
  const t = req.target;
  if (t.kind === 'pe') {
    if (t.row >= spec.rows || t.col >= spec.cols) throw new RequestError(`target: PE (${t.row}, ${t.col}) is outside the ${spec.rows}x${spec.cols} array`, 'target');
    const mine = faulty.faults.filter((f) => f.row >= 0 && f.row === t.row && f.col === t.col);
    if (loc) {
      const lr = plan.layers[loc.layer];
      const fold = lr.folds[loc.fold];
      const gl = golden.layers[loc.layer];
      const used = t.row < fold.rowsUsed && t.col < fold.colsUsed;
      const regs = peRegisters(kept, loc, t.row, t.col);
      if (used && regs[1].golden === null && spec.dataflow === 'ws' && gl.weights && lr.gemm && lr.df && loc.foldCycle >= lr.df.geometry.R) {
        // idle between MACs, but the stationary weight stays in place for the whole fold
        const k = fold.rowStart + t.row;
        const n = fold.colStart + t.col;
        const g = gl.weights[k * lr.gemm.N + n];
        const regFaults = mine.filter((f) => f.target === 'pe.weight');
        regs[1] = { label: `weight register W[${k}][${n}] (stationary)`, golden: g, faulty: corrupt(gl.formats.weight, g, regFaults, req.cycle), note: regFaults.some((f) => active(f, req.cycle)) ? 'no MAC at this cycle; a pe.weight fault is active' : 'no MAC at this cycle' };
      }
      values.push(...regs);
    }
    return {
      title: `PE (${t.row}, ${t.col})`, where, values,
      history: mine.map((f) => ({ start: f.start, end: Number.isFinite(f.end) ? f.end : null, text: faultText(f), activeNow: active(f, req.cycle) })),
    };
  }
  const layout = memoryLayout(spec, golden.network, plan);
  const cap = layout.capacity[t.sram];
  if (t.address >= cap) throw new RequestError(`target.address: expected 0..${cap - 1} for ${t.sram}, found ${t.address}`, 'target.address');
  const mine = faulty.faults.filter((f) => f.target === t.sram && f.address === t.address);
  const L = loc?.layer ?? -1;
  const img = loc?.inference ?? 0;
  const lm = L >= 0 ? layout.layers[L] : null;
  if (t.sram === 'weightSram') {
    const owner = layout.weightsResident
      ? layout.layers.find((m) => m !== null && t.address >= m.weightBase && t.address < m.weightBase + m.weightWords) ?? null
      : lm;
    const e = owner ? t.address - owner.weightBase : -1;
    const gl = owner ? golden.layers[owner.layer] : null;
    if (owner && gl?.storedWeights && e >= 0 && e < owner.weightWords && !(owner.weightTiled && !layout.weightsResident)) {
      const g = gl.storedWeights[e];
      values.push({ label: `${gl.name} weight element ${e}`, golden: g, faulty: corrupt(gl.formats.weight, g, mine, req.cycle), note: '' });
    } else values.push({ label: 'content', golden: null, faulty: null, note: owner?.weightTiled ? 'tiled layer: word mapping not shown' : 'no weight stored at this address now' });
  } else if (lm && L >= 0) {
    const tiled = t.sram === 'ifmapSram' ? lm.ifmapTiled : lm.ofmapTiled;
    const words = t.sram === 'ifmapSram' ? lm.ifmapWords : lm.ofmapWords;
    const gl = golden.layers[L];
    if (!tiled && t.address < words) {
      const producer = plan.layers[L].inputIndices[0];
      const size = words;
      const g = t.sram === 'ifmapSram' ? gl.inputs[0][img * size + t.address] : gl.output[img * size + t.address];
      const base = t.sram === 'ifmapSram' ? (producer >= 0 ? faulty.output(producer, img)[t.address] : g) : faulty.output(L, img)[t.address];
      const fmt = t.sram === 'ifmapSram' ? gl.formats.input : gl.formats.output;
      values.push({ label: `${gl.name} ${t.sram === 'ifmapSram' ? 'input' : 'output'} element ${t.address}`, golden: g, faulty: t.sram === 'ofmapSram' ? base : corrupt(fmt, base, mine, req.cycle), note: t.sram === 'ofmapSram' ? 'faulty = what the faulty engine stored (faults on this word included)' : '' });
    } else values.push({ label: 'content', golden: null, faulty: null, note: tiled ? 'tiled layer: word mapping not shown' : 'address beyond this layer\'s tensor' });
  } else values.push({ label: 'content', golden: null, faulty: null, note: 'no array layer at this cycle' });
  return {
    title: `${t.sram} word ${t.address} (bank ${t.address % layout.banks})`, where, values,
    history: mine.map((f) => ({ start: f.start, end: Number.isFinite(f.end) ? f.end : null, text: faultText(f), activeNow: active(f, req.cycle) })),
  };
}
