/** The reference simulator's SRAM (test/reference/cycleSim.ts): words replayed at every read. */
import { applyOp, type ConcreteFault } from '../../sim/faults/ops';
import type { WordCodec } from '../../sim/memory/ecc';

/** True for stuck-at faults. */
export const isStuckKind = (f: ConcreteFault): boolean => f.kind === 'stuckAt0' || f.kind === 'stuckAt1';

/**
 * An SRAM: the correct value last written to each word, its write cycle, and the faults aimed at
 * each word. A read at cycle r replays, cycle by cycle at the cycles where something happens, what
 * the word went through since it was written: flips (seu / mbu) at their cycle, stuck-at bits
 * forcing at every cycle of their window (after the flips of that cycle). A scrub is a write of the
 * correct value. A fault with readEnd is not seen by reads at or after it. With ECC the check bits
 * are replayed the same way and the word is decoded (SEC-DED) at the read.
 */
export class Sram {
  readonly val: Uint32Array;
  readonly wc: Float64Array;
  private readonly at = new Map<number, ConcreteFault[]>();
  /** Detected uncorrectable reads (ECC), per read call since the last reset. */
  due = false;
  constructor(size: number, faults: ConcreteFault[], private readonly scrubs: readonly number[], private readonly codec: WordCodec | null) {
    this.val = new Uint32Array(size);
    this.wc = new Float64Array(size).fill(-1);
    for (const f of faults) {
      const list = this.at.get(f.address);
      if (list) list.push(f);
      else this.at.set(f.address, [f]);
    }
  }
  write(addr: number, word: number, cycle: number): void {
    this.val[addr] = word;
    this.wc[addr] = cycle;
  }
  read(addr: number, r: number): number {
    let w = this.wc[addr];
    for (const s of this.scrubs) if (s <= r && s > w) w = s;
    const fs = (this.at.get(addr) ?? []).filter((f) => w < f.end && f.start <= r && (f.readEnd === undefined || r < f.readEnd));
    let data = this.val[addr];
    let check = this.codec ? this.codec.check(data) : 0;
    if (fs.length > 0) {
      const cps = [...new Set(fs.flatMap((f) => [Math.max(f.start, w), ...(isStuckKind(f) ? [Math.min(f.end - 1, r)] : [])]))].sort((x, y) => x - y);
      for (const c of cps) {
        for (const f of fs) if (!isStuckKind(f) && Math.max(f.start, w) === c) {
          data = applyOp(data, f.op);
          if (f.check) check = applyOp(check, f.check);
        }
        for (const f of fs) if (isStuckKind(f) && f.start <= c && c < f.end) {
          data = applyOp(data, f.op);
          if (f.check) check = applyOp(check, f.check);
        }
      }
    }
    if (!this.codec) return data;
    const d = this.codec.decode(data, check);
    if (d.outcome === 2) this.due = true;
    return d.data;
  }
}

