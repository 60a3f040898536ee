/**
 * `faultline run`: one scenario on one model, golden vs faulty, with per-layer propagation stats.
 *   faultline run --model lenet5 --scenario scenarios/examples/single-seu-weight.json
 *                 [--array 16x16] [--dataflow ws] [--format fp32] [--images N] [--seed S] [--json]
 * Pipeline: array spec -> network (models/io loadModel) -> scenario validated for that array ->
 * run timeline -> scenario machine on the simulated clock -> fault schedule -> sim/engine/run
 * runWithFaults (fault resolution, golden run, faulty run) -> table (corrupted values, max |delta|, relative L2) and predictions.
 */
import type { Command } from 'commander';
import { parseArraySize, parseArraySpec } from '../../sim/array/spec';
import type { ArraySpec } from '../../sim/types';
import type { Network } from '../../sim/layers/types';
import { timeline } from '../../sim/engine/timeline';
import type { FaultyRun } from '../../sim/engine/faulty';
import { runWithFaults } from '../../sim/engine/run';
import { createKernel } from '../../sim/kernels/select';
import type { KernelBackendName } from '../../sim/kernels/types';
import { loadModelResult } from '../../models/io/load';
import { loadMnistSplit } from '../../models/data/mnist';
import { MODELS } from '../../models/registry';
import { loadScenarioFile } from '../../scenarios/io/load';
import { runScenario } from '../../scenarios/driver';
import type { ScenarioRun } from '../../scenarios/types';
import { CliError } from '../errors';
import { checkMemoryCap, MEMORY_CAP_ENV, parseMemoryCapMb } from '../../sim/engine/memoryEstimate';
import { renderTable } from '../table';

/** Options of `faultline run` as commander delivers them. */
export interface RunOptions {
  model?: string;
  scenario?: string;
  array?: string;
  dataflow?: string;
  format?: string;
  images?: string;
  seed?: string;
  kernel?: string;
  json?: boolean;
  /** Memory cap of the run in MiB (default: FAULTLINE_MEMORY_CAP_MB, else DEFAULT_MEMORY_CAP_MB). */
  memoryCapMb?: string;
}

/** Everything a run produced (also the --json output, minus tensors). */
export interface RunCommandOutcome {
  readonly model: string;
  /** True when trained weights were loaded; false = seeded random weights. */
  readonly trained: boolean;
  readonly spec: ArraySpec;
  readonly scenarioFile: string;
  readonly scenario: ScenarioRun;
  readonly faulty: FaultyRun;
  readonly goldenPredictions: readonly number[];
  readonly faultyPredictions: readonly number[];
  /** Dataset labels of the images, when the model has a dataset. */
  readonly labels: readonly number[] | null;
}

const MAX_IMAGES = 1000;

function intOption(v: string | undefined, name: string, min: number, max: number, dflt: number): number {
  if (v === undefined) return dflt;
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`${name}: expected an integer in ${min}..${max}, found "${v}"`);
  return n;
}

/** Network for a model id (models/io loadModel): trained weights when committed, else seeded random weights. */
function loadNetwork(id: string): { net: Network; trained: boolean } {
  const r = loadModelResult(id, { allowUntrained: true });
  if (!r.ok) throw new CliError(`--${r.reason}`);
  return { net: r.value.net, trained: r.value.meta !== null };
}

/** Input batch: MNIST test images for MNIST models, else seeded uniform noise in 0..1. */
function inputBatch(modelId: string, net: Network, n: number): { batch: Float32Array; labels: number[] | null } {
  const size = net.input.h * net.input.w * net.input.c;
  const info = MODELS.find((m) => m.id === modelId);
  if ((info?.dataset ?? (modelId.includes('mnist') ? 'mnist' : 'none')) === 'mnist' && size === 784) {
    const test = loadMnistSplit().test;
    if (n > test.n) throw new CliError(`--images: expected at most ${test.n} for MNIST, found ${n}`);
    return { batch: test.images.slice(0, n * size), labels: Array.from(test.labels.slice(0, n)) };
  }
  let s = 0x9e3779b9;
  const batch = new Float32Array(n * size);
  for (let i = 0; i < batch.length; i++) {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    batch[i] = s / 2 ** 32;
  }
  return { batch, labels: null };
}

/** Runs the whole pipeline (see module doc); throws CliError (exit 2) on bad input. */
export async function executeRun(opts: RunOptions): Promise<RunCommandOutcome> {
  if (opts.model === undefined) throw new CliError('run: --model <id> is required');
  if (opts.scenario === undefined) throw new CliError('run: --scenario <file> is required');
  const size = parseArraySize(opts.array ?? '16x16', '--array');
  if (!size.ok) throw new CliError(size.reason);
  const spec = parseArraySpec({ ...size.value, dataflow: opts.dataflow ?? 'ws', format: opts.format ?? 'fp32' });
  if (!spec.ok) throw new CliError(spec.reason);
  const nImages = intOption(opts.images, '--images', 1, MAX_IMAGES, 1);
  const seedOpt = opts.seed === undefined ? undefined : intOption(opts.seed, '--seed', 0, 2 ** 32 - 1, 0);

  const { net, trained } = loadNetwork(opts.model);
  const cap = parseMemoryCapMb(opts.memoryCapMb ?? process.env[MEMORY_CAP_ENV], opts.memoryCapMb !== undefined ? '--memory-cap-mb' : MEMORY_CAP_ENV);
  if (!cap.ok) throw new CliError(cap.reason);
  const mem = checkMemoryCap(net, nImages, cap.value, { format: spec.value.format });
  if (!mem.ok) throw new CliError(`run refused: ${mem.reason}`);
  const scen = loadScenarioFile(opts.scenario, spec.value);
  if (!scen.ok) throw new CliError(scen.reason);
  const tl = timeline(net, spec.value, nImages);
  const sr = runScenario(scen.value.file, spec.value, tl, seedOpt === undefined ? {} : { seed: seedOpt });
  if (!sr.ok) throw new CliError(`${opts.scenario}: ${sr.reason}`);
  const kname = (opts.kernel ?? 'js') as KernelBackendName;
  if (!['js', 'tfjs-wasm', 'gpujs'].includes(kname)) throw new CliError(`--kernel: expected js | tfjs-wasm | gpujs, found "${kname}"`);
  const kernel = await createKernel(kname);
  if (!kernel.ok) throw new CliError(`--kernel: ${kernel.reason}`);
  const { batch, labels } = inputBatch(opts.model, net, nImages);
  const run = runWithFaults({ network: net, spec: spec.value, images: batch, faults: sr.value.schedule, seed: sr.value.seed, kernel: kernel.value });
  if (!run.ok) throw new CliError(`${opts.scenario}: ${run.reason}`);
  return {
    model: opts.model,
    trained,
    spec: spec.value,
    scenarioFile: opts.scenario,
    scenario: sr.value,
    faulty: run.value.faulty,
    goldenPredictions: Array.from(run.value.goldenTop1),
    faultyPredictions: Array.from(run.value.faultyTop1),
    labels,
  };
}

const num = (x: number): string => (Number.isFinite(x) ? (x === 0 ? '0' : Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(3) : x.toFixed(4)) : String(x));

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
    `model ${o.model} (${o.trained ? 'trained weights' : 'seeded random weights'}) on ${s.rows}x${s.cols} ${s.dataflow} ${fmt}, ${n} image(s), ${o.faulty.cycles.total} cycles`,
    `scenario ${o.scenarioFile} (seed ${o.scenario.seed}): ${trace}`,
    `faults: ${o.scenario.schedule.length} record(s), ${o.faulty.faults.length} concrete${byKind.size ? ` (${[...byKind].map(([k, c]) => `${k}: ${c}`).join(', ')})` : ''}; images touched: ${o.faulty.touchedImages.length}`,
    renderTable(['#', 'Layer', 'Corrupted', 'Max |delta|', 'Rel L2', 'Masked (array)', 'Masked (act)'], rows),
    `predictions (golden vs faulty): ${changed} of ${n} changed`,
    ...preds,
    ...(n > 20 ? [`  ... ${n - 20} more`] : []),
  ].join('\n');
}

/** Registers `run` on the program. */
export function register(program: Command): void {
  program
    .command('run')
    .description('run a fault scenario on a model: per-layer propagation stats and golden vs faulty predictions')
    .option('-m, --model <id>', `model id (${MODELS.map((m) => m.id).join(', ')})`)
    .option('-s, --scenario <file>', 'scenario JSON file (see docs/README-scenarios.md)')
    .option('-a, --array <RxC>', 'array size, rows x cols, each 1..256 (default 16x16)')
    .option('-d, --dataflow <df>', 'ws | os | is (default ws)')
    .option('-f, --format <fmt>', 'numeric format: fp32 | fp16 | int8 Qm.n (default fp32)')
    .option('-n, --images <N>', `images (inferences) to run, 1..${MAX_IMAGES} (default 1)`)
    .option('--seed <S>', "seed of the scenario's random draws (default: the file's seed, else 0)")
    .option('-k, --kernel <name>', 'GEMM backend: js | tfjs-wasm | gpujs (default js)')
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
