/**
 * A simulated clock counting accelerator cycles, implementing XState's Clock interface
 * ({setTimeout, clearTimeout}) so `after: { 5000: ... }` means 5,000 cycles.
 *
 * Timers fire in order of due cycle; at the same cycle, simulator events (priority 0) fire before
 * delayed transitions (priority 1), and otherwise in scheduling order. `now()` equals each timer's
 * due cycle while it fires, so chained delays are exact even when time advances in big steps.
 */

interface Timer {
  readonly id: number;
  /** Due cycle. */
  readonly due: number;
  readonly priority: number;
  readonly fn: () => void;
}

/** Thrown when a run fires more timers than its budget (a runaway scenario). */
export class StepBudgetExceeded extends Error {}

/** Simulated accelerator clock. */
export class CycleClock {
  private heap: Timer[] = [];
  private live = new Set<number>();
  private nextId = 1;
  private current = 0;
  private fired = 0;

  /** @param maxFires most timers that may fire over the clock's life (runaway guard). */
  constructor(private readonly maxFires = 5_000_000) {}

  /** Current cycle. */
  now(): number {
    return this.current;
  }

  /** Timers fired so far. */
  firedCount(): number {
    return this.fired;
  }

  /** XState Clock: runs `fn` after `delay` cycles (priority 1). Returns the timer id. */
  setTimeout(fn: (...args: unknown[]) => void, delay: number): number {
    return this.schedule(fn, this.current + Math.max(0, Math.floor(Number(delay) || 0)), 1);
  }

  /** XState Clock: cancels a timer. */
  clearTimeout(id: unknown): void {
    this.live.delete(id as number);
  }

  /** Runs `fn` at absolute cycle `due` (not before now) with a priority (0 first at equal cycles). */
  schedule(fn: () => void, due: number, priority: number): number {
    const id = this.nextId++;
    this.live.add(id);
    this.push({ id, due: Math.max(due, this.current), priority, fn });
    return id;
  }

  /** Advances to cycle `target`, firing every due timer in order. */
  advanceTo(target: number): void {
    for (;;) {
      const top = this.heap[0];
      if (!top || top.due > target) break;
      this.pop();
      if (!this.live.delete(top.id)) continue;
      this.current = top.due;
      if (++this.fired > this.maxFires) throw new StepBudgetExceeded(`more than ${this.maxFires} timer firings`);
      top.fn();
    }
    if (target > this.current) this.current = target;
  }

  /** Due cycle of the next live timer, or undefined. */
  nextDue(): number | undefined {
    while (this.heap[0] && !this.live.has(this.heap[0].id)) this.pop();
    return this.heap[0]?.due;
  }

  private less(a: Timer, b: Timer): boolean {
    return a.due !== b.due ? a.due < b.due : a.priority !== b.priority ? a.priority < b.priority : a.id < b.id;
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop() as Timer;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l], h[m])) m = l;
      if (r < h.length && this.less(h[r], h[m])) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}
