/**
 * The same scenario file gives the same random PEs in every shell: the count example
 * (scenarios/examples/seu-burst-random-pes.json, seed 2026) run by the CLI (`faultline run`,
 * cli/commands/run.ts), by the GUI worker (electron/services/sim/pipeline.ts) and as a campaign
 * trial would run it (pipeline/run.ts with the trial seed, here the file's seed) lands its 8 SEUs
 * on the same 8 distinct PEs, because all three resolve it in the one pipeline.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeRun } from '../../cli/commands/run';
import { run as guiRun } from '../../electron/services/sim/pipeline';
import { runPipeline } from '../../pipeline/run';
import { RunRequest } from '../../ipc/sim-schemas';

const FILE = join(import.meta.dirname, '../../scenarios/examples/seu-burst-random-pes.json');
const pe = (row: number, col: number): string => `${row},${col}`;

describe('count action: same file, same PEs in the CLI, the GUI and a campaign trial', () => {
  it('seu-burst-random-pes.json: 8 distinct PEs, identical in all three', async () => {
    const cli = await executeRun({ model: 'lenet5', scenario: FILE, images: '1' });
    const cliPes = cli.scenario.schedule.map((f) => (f.location.kind === 'pe' ? pe(f.location.row, f.location.col) : '?'));
    expect(cli.scenario.seed).toBe(2026);
    expect(new Set(cliPes).size).toBe(8);

    const req = RunRequest.parse({ model: 'lenet5', scenario: { text: readFileSync(FILE, 'utf8'), file: 'seu-burst-random-pes.json' }, array: { rows: 16, cols: 16 } });
    const gui = await guiRun(req, 'h3-count', () => undefined);
    expect(gui.reply.faultCount).toBe(8);
    expect(gui.reply.faults.map((f) => pe(Number(f.row), Number(f.col)))).toEqual(cliPes);

    const trial = await runPipeline({ model: 'lenet5', protection: 'relu', format: { kind: 'fp32' }, array: { rows: 16, cols: 16, dataflow: 'ws' },
      faults: { kind: 'scenario', path: FILE, seed: 2026 }, images: { start: 0, count: 1 } });
    if (!trial.ok) throw new Error(trial.reason);
    expect(trial.value.concrete.map((c) => pe(Number(c.row), Number(c.col)))).toEqual(cliPes);
    // another trial seed draws other PEs (campaign trials each get their own seed)
    const other = await runPipeline({ model: 'lenet5', protection: 'relu', format: { kind: 'fp32' }, array: { rows: 16, cols: 16, dataflow: 'ws' },
      faults: { kind: 'scenario', path: FILE, seed: 7 }, images: { start: 0, count: 1 } });
    if (!other.ok) throw new Error(other.reason);
    expect(other.value.concrete.map((c) => pe(Number(c.row), Number(c.col)))).not.toEqual(cliPes);
  }, 120_000);
});
