/**
 * `faultline cycles`: cycle report of a SCALE-Sim topology CSV or of a model-registry network on an array.
 *   faultline cycles (--topology net.csv | --model lenet5) [--config arch.cfg] [--array 32x32] [--dataflow ws] [--out report.csv]
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { parseArraySize, parseDataflow } from '../../sim/array/spec';
import { networkCycles, type NetworkCycles } from '../../sim/cycles';
import { cycleReportCsv, parseScaleSimConfig, parseTopology, topologyToGemms } from '../../sim/topology';
import type { Dataflow } from '../../sim/types';
import { CliError, locate } from '../errors';
import { readTextFile } from '../files';
import { modelGemms, modelIds } from '../model-gemms';
import { percent, renderTable } from '../table';

/** Folder of the shipped SCALE-Sim topologies (topologies/<id>.csv). */
export const TOPOLOGY_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../topologies');

/** Ids of the shipped topologies, sorted. */
export function shippedTopologies(): string[] {
  return readdirSync(TOPOLOGY_DIR).filter((f) => f.endsWith('.csv')).map((f) => f.slice(0, -4)).sort();
}

/** Options of `faultline cycles` as commander delivers them. */
export interface CyclesOptions {
  topology?: string;
  model?: string;
  config?: string;
  array?: string;
  dataflow?: string;
  out?: string;
  json?: boolean;
}

/** Resolves the options into a network cycle report; throws CliError (exit 2) on bad input. */
export function runCycles(opts: CyclesOptions): { net: NetworkCycles; source: string } {
  if ((opts.topology === undefined) === (opts.model === undefined)) {
    throw new CliError('cycles: expected exactly one of --topology <csv> or --model <id>');
  }
  let rows = 16;
  let cols = 16;
  let dataflow: Dataflow = 'ws';
  if (opts.config !== undefined) {
    const cfg = parseScaleSimConfig(readTextFile(opts.config));
    if (!cfg.ok) throw new CliError(locate(opts.config, cfg.line, cfg.reason));
    ({ rows, cols, dataflow } = cfg.value.spec);
  }
  if (opts.array !== undefined) {
    const size = parseArraySize(opts.array, '--array');
    if (!size.ok) throw new CliError(size.reason);
    ({ rows, cols } = size.value);
  }
  if (opts.dataflow !== undefined) {
    const df = parseDataflow(opts.dataflow, '--dataflow');
    if (!df.ok) throw new CliError(df.reason);
    dataflow = df.value;
  }
  const array = { rows, cols, dataflow };
  if (opts.model !== undefined) return { net: networkCycles(modelGemms(opts.model), array), source: `model ${opts.model}` };
  const file = opts.topology as string;
  const topo = parseTopology(readTextFile(file));
  if (!topo.ok) throw new CliError(locate(file, topo.line, topo.reason));
  return { net: networkCycles(topologyToGemms(topo.value), array), source: file };
}

/** The per-layer table printed by `faultline cycles`, with a totals line. */
export function cyclesTable(net: NetworkCycles): string {
  const header = ['#', 'Layer', 'M', 'K', 'N', 'Folds', 'Fold cyc', 'Total Cycles', 'Map eff %', 'Comp util %', 'Util %', 'Ifmap rd', 'Filter rd', 'Ofmap wr'];
  const rows = net.layers.map((l, i) => [
    i, l.name, l.plan.gemm.M, l.plan.gemm.K, l.plan.gemm.N, `${l.plan.rowFolds}x${l.plan.colFolds}`, l.plan.foldCycles,
    l.totalCycles, percent(l.mappingEfficiency), percent(l.computeUtilization), percent(l.overallUtilization),
    l.sram.ifmapReads, l.sram.filterReads, l.sram.ofmapWrites,
  ]);
  const t = net.totals;
  const a = net.array;
  return [
    `array ${a.rows}x${a.cols} ${a.dataflow}, ${net.layers.length} layers`,
    renderTable(header, rows),
    `total: ${t.durationCycles} cycles back to back (sum of Total Cycles ${t.totalCycles}), ${t.folds} folds, ` +
      `${t.macs} MACs, utilization ${percent(t.utilization)} %, SRAM reads ifmap ${t.sram.ifmapReads} ` +
      `filter ${t.sram.filterReads}, ofmap writes ${t.sram.ofmapWrites}`,
  ].join('\n');
}

/** Registers `cycles` on the program. */
export function register(program: Command): void {
  program
    .command('cycles')
    .description('per-layer cycles, folds, utilization and SRAM accesses (SCALE-Sim v2 compatible, ideal memory)')
    .option('-t, --topology <csv>', 'SCALE-Sim topology CSV (conv form or "Layer, M, N, K" GEMM form)')
    .option('-m, --model <id>', `model-registry network (${modelIds().join(', ')}); SCALE-Sim files of the same nets: ${existsSync(TOPOLOGY_DIR) ? shippedTopologies().map((t) => `topologies/${t}.csv`).join(', ') : 'none'}`)
    .option('-c, --config <cfg>', 'SCALE-Sim .cfg: array size and dataflow (overridden by --array/--dataflow)')
    .option('-a, --array <RxC>', 'array size, rows x cols, each 1..256 (default 16x16)')
    .option('-d, --dataflow <df>', 'ws | os | is (default ws)')
    .option('-o, --out <csv>', 'write the per-layer report CSV (SCALE-Sim COMPUTE_REPORT columns first)')
    .option('--json', 'print the report as JSON instead of a table')
    .action((opts: CyclesOptions) => {
      const { net } = runCycles(opts);
      if (opts.json === true) {
        process.stdout.write(`${JSON.stringify({ array: net.array, totals: net.totals, layers: net.layers }, null, 2)}\n`);
      } else process.stdout.write(`${cyclesTable(net)}\n`);
      if (opts.out !== undefined) {
        try {
          writeFileSync(opts.out, cycleReportCsv(net));
        } catch (e) {
          throw new CliError(`${opts.out}: cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
        }
        if (opts.json !== true) process.stdout.write(`wrote ${opts.out}\n`);
      }
    });
}
