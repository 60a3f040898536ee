/**
 * `faultline run`: one scenario on one model, golden vs faulty, with per-layer propagation stats.
 *   faultline run --model lenet5 --scenario scenarios/examples/single-seu-weight.json
 *                 [--protection fitact] [--array 16x16] [--dataflow ws] [--format fp32]
 *                 [--images N] [--data path] [--seed S] [--kernel tfjs-wasm] [--json]
 *   faultline run --model path/to/model.onnx --data path/to/t10k-images-idx3-ubyte.gz ...
 * Only translates: options -> a declared run of the one run pipeline (pipeline/run.ts) -> tables.
 * Failures of the pipeline name the declaration field; they are reported as the option (--model,
 * --images, --array...) or with the scenario file's path.
 */
import type { Command } from 'commander';
import { parseArraySize, parseDataflow, parseNumericFormat } from '../../sim/array/spec';
import type { ArraySpec } from '../../sim/types';
import type { Shape3 } from '../../sim/layers/types';
import { isOnnxPath } from '../../models/onnx/file';
import type { FaultyRun } from '../../sim/engine/faulty';
import type { Failure } from '../../sim/result';
import { MODELS } from '../../models/registry';
import type { ScenarioRun } from '../../scenarios/types';
import { DEFAULT_KERNEL, KERNEL_ENV, KERNEL_NAMES, parseKernelName, runPipeline } from '../../pipeline';
import { CliError } from '../errors';
import { MEMORY_CAP_ENV, parseMemoryCapMb } from '../../sim/engine/memoryEstimate';
import { renderTable } from '../table';
import { classifyOutcomes, outcomeRates, type OutcomeCounts } from '../../campaign/outcomes';

/** One line of outcome classes with 95% Wilson intervals (issue 14). */
function outcomeLine(c: OutcomeCounts): string {
  const r = outcomeRates(c);
  const f = (k: number, i: { mean: number; lo: number; hi: number }): string => `${k} (${(i.mean * 100).toFixed(1)}% [${(i.lo * 100).toFixed(1)}, ${(i.hi * 100).toFixed(1)}])`;
  return `outcomes of ${c.images} image(s), 95% Wilson intervals: masked ${f(c.masked, r.masked)}, tolerable ${f(c.tolerable, r.tolerable)}, SDC ${f(c.sdc, r.sdc)}, DUE ${f(c.due, r.due)}`;
}

/** Options of `faultline run` as commander delivers them. */
export interface RunOptions {
  model?: string;
  scenario?: string;
  protection?: string;
  array?: string;
  dataflow?: string;
  format?: string;
  images?: string;
  /** Dataset to take the images from (IDX images file, CIFAR-10 .bin, or a folder; models/io/datasets.ts loadDataPath). */
  data?: string;
  seed?: string;
  kernel?: string;
  json?: boolean;
  /** Memory cap of the run in MiB (default: FAULTLINE_MEMORY_CAP_MB, else DEFAULT_MEMORY_CAP_MB). */
  memoryCapMb?: string;
}

/** Everything a run produced (also the --json output, minus tensors). */
export interface RunCommandOutcome {
  readonly model: string;
  /** Canonical protection id ("relu" when none). */
  readonly protection: string;
  /** GEMM backend used (a speed choice: results are the same on every backend). */
  readonly kernel: string;
  /** True when trained weights were loaded; false = seeded random weights (or an imported file, see `imported`). */
  readonly trained: boolean;
  /** Set for a model imported from an .onnx file: the file and the network input (pixels, channels). */
  readonly imported: { readonly file: string; readonly input: Shape3 } | null;
  /** Where the images came from: the --data path, the MNIST test split, or seeded noise. */
  readonly inputs: string;
  readonly spec: ArraySpec;
  readonly scenarioFile: string;
  readonly scenario: ScenarioRun;
  readonly faulty: FaultyRun;
  readonly goldenPredictions: readonly number[];
  readonly faultyPredictions: readonly number[];
  /** Dataset labels of the images, when the model has a dataset. */
  readonly labels: readonly number[] | null;
  /** Every image classified masked / tolerable / SDC / DUE against golden (campaign/outcomes.ts). */
  readonly outcomes: OutcomeCounts;
}

const MAX_IMAGES = 1000;

function intOption(v: string | undefined, name: string, min: number, max: number, dflt: number): number {
  if (v === undefined) return dflt;
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`${name}: expected an integer in ${min}..${max}, found "${v}"`);
  return n;
}

/** Option that declares a pipeline field. */
const OPTION_OF: Record<string, string> = { model: '--model', protection: '--protection', kernel: '--kernel', images: '--images', array: '--array', format: '--format', memoryCapMb: '--memory-cap-mb' };

/** A pipeline failure as the user typed it: "--model: ..." for option fields, else the reason (scenario messages carry the file path). */
export function cliMessage(f: Failure, scenarioFile: string): string {
  if (f.path === 'images.data') return `--data: ${f.reason.replace(/^images\.data: /, '')}`;
  const root = (f.path ?? '').split('.')[0]!;
  const opt = OPTION_OF[root];
  if (opt) return f.reason.startsWith(`${root}`) ? `--${f.reason}` : `${opt}: ${f.reason}`;
  if (root === 'faults' && !f.reason.includes(scenarioFile)) return `${scenarioFile}: ${f.reason}`;
  return f.reason;
}

/** Runs the pipeline for the options (see module doc); throws CliError (exit 2) on bad input. */
export async function executeRun(opts: RunOptions): Promise<RunCommandOutcome> {
  if (opts.model === undefined) throw new CliError('run: --model <id> is required');
  if (opts.scenario === undefined) throw new CliError('run: --scenario <file> is required');
  const size = parseArraySize(opts.array ?? '16x16', '--array');
  if (!size.ok) throw new CliError(size.reason);
  const df = parseDataflow(opts.dataflow ?? 'ws', '--dataflow');
  if (!df.ok) throw new CliError(df.reason);
  const format = parseNumericFormat(opts.format ?? 'fp32', '--format');
  if (!format.ok) throw new CliError(format.reason);
  const nImages = intOption(opts.images, '--images', 1, MAX_IMAGES, 1);
  const seedOpt = opts.seed === undefined ? undefined : intOption(opts.seed, '--seed', 0, 2 ** 32 - 1, 0);
  let kernel;
  if (opts.kernel !== undefined) {
    const k = parseKernelName(opts.kernel, '--kernel');
    if (!k.ok) throw new CliError(k.reason);
    kernel = k.value;
  }
  let memoryCapMb;
  if (opts.memoryCapMb !== undefined) {
    const cap = parseMemoryCapMb(opts.memoryCapMb, '--memory-cap-mb');
    if (!cap.ok) throw new CliError(cap.reason);
    memoryCapMb = cap.value;
  }
  const r = await runPipeline({
    model: opts.model, protection: opts.protection ?? 'relu', format: format.value,
    array: { rows: size.value.rows, cols: size.value.cols, dataflow: df.value },
    faults: { kind: 'scenario', path: opts.scenario, ...(seedOpt !== undefined ? { seed: seedOpt } : {}) },
    images: { start: 0, count: nImages, ...(opts.data !== undefined ? { data: opts.data } : {}) },
    ...(kernel ? { kernel } : {}), ...(memoryCapMb !== undefined ? { memoryCapMb } : {}),
  });
  if (!r.ok) throw new CliError(cliMessage(r, opts.scenario));
  const o = r.value;
  return {
    model: opts.model,
    protection: o.protection.id,
    kernel: o.kernel,
    trained: o.trained,
    imported: isOnnxPath(opts.model) ? { file: opts.model, input: o.network.input } : null,
    inputs: opts.data !== undefined ? `${opts.data} (images 0..${nImages - 1})` : o.labels ? 'MNIST test split' : 'seeded uniform noise in [0, 1), no labels',
    spec: o.spec,
    scenarioFile: opts.scenario,
    scenario: o.scenario!,
    faulty: o.faulty.engine!,
    goldenPredictions: Array.from(o.golden.predictions),
    faultyPredictions: Array.from(o.faulty.predictions),
    labels: o.labels ? Array.from(o.labels) : null,
    outcomes: classifyOutcomes({ golden: o.golden.output, faulty: o.faulty.output, n: o.golden.n, outSize: o.golden.output.length / o.golden.n, due: o.faulty.due }),
  };
}

const num = (x: number): string => (Number.isFinite(x) ? (x === 0 ? '0' : Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(3) : x.toFixed(4)) : String(x));

/** Where the weights came from, for the report's first line. */
function weightsLabel(o: RunCommandOutcome): string {
  if (o.imported) return `imported from ${o.imported.file}, input ${o.imported.input.h}x${o.imported.input.w}x${o.imported.input.c} (HxWxC)`;
  return o.trained ? 'trained weights' : 'seeded random weights';
}

/** Human-readable report: scenario trace, fault summary, per-layer table, predictions. */
export function formatRun(o: RunCommandOutcome): string {
  const s = o.spec;
  const fmt = s.format.kind === 'int8' ? `int8 Q${s.format.intBits}.${s.format.fracBits}` : s.format.kind;
  const byKind = new Map<string, number>();
  for (const f of o.faulty.faults) byKind.set(`${f.target} ${f.kind}`, (byKind.get(`${f.target} ${f.kind}`) ?? 0) + 1);
  const trace = o.scenario.trace.map((t) => `${t.cycle}:${t.state}`).join(' -> ');
  const rows = o.faulty.layers.map((l) => [l.layer, l.name, `${l.corrupted}/${l.total}`, num(l.maxAbsDelta), num(l.relL2), l.maskedInArray, l.maskedByActivation]);
  const n = o.goldenPredictions.length;
  const changed = o.goldenPredictions.filter((g, i) => g !== o.faultyPredictions[i]).length;
  const preds = o.goldenPredictions.slice(0, 20).map((g, i) => `  image ${i}: golden ${g}, faulty ${o.faultyPredictions[i]}${o.labels ? ` (label ${o.labels[i]})` : ''}${g !== o.faultyPredictions[i] ? '  <- changed' : ''}`);
  return [
    `model ${o.model}${o.protection !== 'relu' ? ` + ${o.protection}` : ''} (${weightsLabel(o)}) on ${s.rows}x${s.cols} ${s.dataflow} ${fmt}, ${n} image(s), ${o.faulty.cycles.total} cycles (kernel ${o.kernel})`,
    `images: ${o.inputs}`,
    `scenario ${o.scenarioFile} (seed ${o.scenario.seed}): ${trace}`,
    `faults: ${o.scenario.schedule.length} record(s), ${o.faulty.faults.length} concrete${byKind.size ? ` (${[...byKind].map(([k, c]) => `${k}: ${c}`).join(', ')})` : ''}; images touched: ${o.faulty.touchedImages.length}`,
    renderTable(['#', 'Layer', 'Corrupted', 'Max |delta|', 'Rel L2', 'Masked (array)', 'Masked (act)'], rows),
    `predictions (golden vs faulty): ${changed} of ${n} changed`,
    outcomeLine(o.outcomes),
    ...preds,
    ...(n > 20 ? [`  ... ${n - 20} more`] : []),
  ].join('\n');
}

/** Registers `run` on the program. */
export function register(program: Command): void {
  program
    .command('run')
    .description('run a fault scenario on a model: per-layer propagation stats and golden vs faulty predictions')
    .option('-m, --model <id>', `model id (${MODELS.map((m) => m.id).join(', ')}) or a path to an .onnx file`)
    .option('-s, --scenario <file>', 'scenario JSON file (see docs/README-scenarios.md)')
    .option('-p, --protection <id>', 'protection, e.g. relu | ranger | fitact | proact | saf | proact+saf | ecc (default relu)')
    .option('-a, --array <RxC>', 'array size, rows x cols, each 1..256 (default 16x16)')
    .option('-d, --dataflow <df>', 'ws | os | is (default ws)')
    .option('-f, --format <fmt>', 'numeric format: fp32 | fp16 | int8 Qm.n (default fp32)')
    .option('-n, --images <N>', `images (inferences) to run, 1..${MAX_IMAGES} (default 1)`)
    .option('--data <path>', 'images from a dataset: an IDX images file (labels beside it), a CIFAR-10 .bin batch, or a folder of those or of class folders of PNGs (default: MNIST test split for MNIST models and 28x28x1 .onnx models, else seeded noise)')
    .option('--seed <S>', "seed of the scenario's random draws (default: the file's seed, else 0)")
    .option('-k, --kernel <name>', `GEMM backend: ${KERNEL_NAMES.join(' | ')} (default: ${KERNEL_ENV} or ${DEFAULT_KERNEL}; the same results on each)`)
    .option('--json', 'print a JSON summary instead of tables')
    .option('--memory-cap-mb <MB>', `refuse runs whose memory estimate exceeds this many MiB (default: ${MEMORY_CAP_ENV} or 4096)`)
    .action(async (opts: RunOptions) => {
      const o = await executeRun(opts);
      if (opts.json === true) {
        const { faulty, ...rest } = o;
        process.stdout.write(`${JSON.stringify({ ...rest, layers: faulty.layers, cycles: faulty.cycles, concreteFaults: faulty.faults.length }, null, 2)}\n`);
      } else process.stdout.write(`${formatRun(o)}\n`);
    });
}
