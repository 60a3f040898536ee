/**
 * One parser of `npm run fuzz` (forked by scripts/fuzz.ts): runs `runs` generated inputs through the
 * named fuzz target and reports each crash (a throw, or neither a value nor an error with a reason),
 * hang (a call over the time limit) and memory blow-up (a call keeping more than the memory limit),
 * with a heartbeat every 50 inputs so the parent can kill a parser stuck in one call. A call over a
 * limit is run twice more (after a GC for memory): only one over the limit every time is a finding, so
 * a GC pause or a loaded machine does not count as a hang.
 */
import fc from 'fast-check';
import { fuzzScratch, fuzzTargets } from '../test/security/fuzz-targets';

const [name = '', runsArg = '20000', seedArg = '1', callMsArg = '1000', memMibArg = '128'] = process.argv.slice(2);
const runs = Number(runsArg), seed = Number(seedArg), callMs = Number(callMsArg), memBytes = Number(memMibArg) * 2 ** 20;
const send = (m: unknown): void => { process.send?.(m); };
const preview = (x: unknown): string => (x instanceof Uint8Array ? `${x.length} bytes: ${Buffer.from(x.subarray(0, 48)).toString('hex')}` : JSON.stringify(x)?.slice(0, 160) ?? String(x));
const mem = (): number => { const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => {});

/** Time (ms) and memory kept (bytes) of one call; `threw` when it threw. */
function measure(parse: (x: unknown) => unknown, x: unknown): { ms: number; kept: number; r: unknown; threw: unknown } {
  const m0 = mem();
  const t0 = performance.now();
  let r: unknown;
  let threw: unknown = null;
  try { r = parse(x); } catch (e) { threw = e; }
  return { ms: performance.now() - t0, kept: mem() - m0, r, threw };
}

const scratch = fuzzScratch();
try {
  const t = fuzzTargets(scratch.dir).find((x) => x.name === name);
  if (!t) throw new Error(`no fuzz target "${name}"`);
  send({ kind: 'ready' });
  const st = { runs: 0, accepted: 0, rejected: 0, crashes: 0, hangs: 0, memory: 0, maxMs: 0, maxMiB: 0, totalMs: 0 };
  const BATCH = 500;
  for (let b = 0; st.runs < runs; b++) {
    const inputs = fc.sample(t.input, { numRuns: Math.min(BATCH, runs - st.runs), seed: seed * 100_003 + b });
    for (const x of inputs) {
      const k = st.runs++;
      if (k % 50 === 0) send({ kind: 'beat', k });
      const first = measure(t.parse, x);
      const { r, threw } = first;
      let { ms, kept } = first;
      // confirm: a slow call must be slow three times, a large one must keep its memory after a GC
      for (let again = 0; again < 2 && ms > callMs; again++) ms = Math.min(ms, measure(t.parse, x).ms);
      if (kept > memBytes) { gc(); const m = measure(t.parse, x); gc(); kept = Math.min(kept, m.kept); }
      st.totalMs += ms; st.maxMs = Math.max(st.maxMs, ms); st.maxMiB = Math.max(st.maxMiB, kept / 2 ** 20);
      const res = r as { ok?: unknown; reason?: unknown } | undefined;
      if (threw !== null) { st.crashes++; send({ kind: 'finding', what: 'crash', k, detail: String((threw as Error)?.stack ?? threw).slice(0, 400), input: preview(x) }); }
      else if (res?.ok === true) st.accepted++;
      else if (res?.ok === false && typeof res.reason === 'string' && res.reason.length > 0) st.rejected++;
      else { st.crashes++; send({ kind: 'finding', what: 'crash', k, detail: `returned neither a value nor an error with a reason: ${JSON.stringify(r)?.slice(0, 120)}`, input: preview(x) }); }
      if (ms > callMs) { st.hangs++; send({ kind: 'finding', what: 'hang', k, detail: `${ms.toFixed(0)} ms (fastest of 3 runs)`, input: preview(x) }); }
      if (kept > memBytes) { st.memory++; send({ kind: 'finding', what: 'memory', k, detail: `${(kept / 2 ** 20).toFixed(0)} MiB kept`, input: preview(x) }); }
    }
  }
  send({ kind: 'done', stats: st });
} finally {
  scratch.cleanup();
}
