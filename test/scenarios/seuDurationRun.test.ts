/**
 * A scenario's `injectFault` with a `duration` on a PE weight register, run through the one pipeline
 * (pipeline/run.ts, as the CLI, the GUI and campaigns run it): in ws the register is stationary, so
 * the flip reaches only the conv1 outputs whose MAC reads the register during [start, start+d); a
 * duration past the register's reload gives the same run as no duration.
 */
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../pipeline/run';
import type { PipelineOutcome, RunDeclaration } from '../../pipeline/types';

const START = 420; // output pixel ~400 (image rows 14-16: MNIST digits are blank at the top)
const [ROW, COL] = [1, 0];

const scenario = (duration?: number): string => JSON.stringify({
  name: 'SEU with a duration', description: 'one SEU on bit 30 of a PE weight register during conv1', version: 1, seed: 1,
  machine: {
    id: 'm', initial: 'idle',
    states: {
      idle: { after: { [START]: 'hit' } },
      hit: { type: 'final', entry: [{ type: 'injectFault', params: { id: 'seu', target: 'pe.weight', kind: 'seu', location: { kind: 'pe', row: ROW, col: COL }, bits: [30], ...(duration === undefined ? {} : { duration }) } }] },
    },
  },
});
const decl = (duration?: number): RunDeclaration => ({
  model: 'lenet5', protection: 'relu', format: { kind: 'fp32' }, array: { rows: 16, cols: 16, dataflow: 'ws' },
  faults: { kind: 'scenario', text: scenario(duration) }, images: { start: 0, count: 1 },
});

async function run(duration?: number): Promise<PipelineOutcome> {
  const r = await runPipeline(decl(duration));
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

/** conv1 output indices (m*N + n) of image 0 that differ from golden. */
function changed(o: PipelineOutcome): number[] {
  const f = o.faulty.output1(0, 0);
  const g = o.golden.layers[0]!.output.subarray(0, f.length);
  const out: number[] = [];
  f.forEach((v, i) => { if (!Object.is(v, g[i])) out.push(i); });
  return out;
}

describe('scenario injectFault duration on a PE weight register (ws), through the pipeline', () => {
  it('only the MACs reading the register in [start, start+d) see the flip; a duration past the reload equals none', async () => {
    const d = 60;
    const short = await run(d);
    const conv1 = short.plan.layers[0]!;
    const df = conv1.df!;
    const { R, T } = df.geometry;
    const N = short.golden.layers[0]!.output.length / T; // output channels (one image)
    expect(conv1.start).toBe(0);
    // the flip lands on the register's own word, read by the MAC of output pixel t at R + t + ROW + COL
    expect(START).toBeGreaterThanOrEqual(R + ROW + COL);
    expect(START + d).toBeLessThan(df.foldCycles);
    const read = (t: number): number => R + t + ROW + COL;
    const window = new Set<number>();
    for (let t = 0; t < T; t++) if (read(t) >= START && read(t) < START + d) window.add(t * N + COL);
    expect(window.size).toBe(d);
    const c = changed(short);
    expect(c.length).toBeGreaterThan(0);
    for (const i of c) expect(window.has(i), `output ${i} changed outside the window`).toBe(true);
    expect(short.faulty.engine!.faultTouches[0]).toBe(d);

    const none = await run();
    const long = await run(df.foldCycles);
    expect(changed(none).length).toBeGreaterThan(c.length);
    expect(Array.from(long.faulty.output1(0, 0))).toEqual(Array.from(none.faulty.output1(0, 0)));
    expect(Array.from(long.faulty.output)).toEqual(Array.from(none.faulty.output));
  }, 300_000);
});
