/**
 * THE typed IPC contract of Faultline: every channel the renderer may call, with its request and
 * response schema, and every push channel main may emit, with its payload schema. Both the Electron
 * bridge (preload + ipcMain) and the web shell (WebSocket) implement exactly this contract.
 *
 * To add a capability (e.g. `sim.cycles`, `sim.run`, `campaign.run`, `scenario.open`/`scenario.save`):
 * 1. add its schemas and an entry in `CHANNELS` below (set `cancellable` and `pushes` for long jobs);
 * 2. add its handler in electron/services (the handler map is typed from this object, so tsc tells you);
 * 3. call it from the renderer with `bridge.invoke('sim.run', {...})`.
 * Long jobs report progress through the `job.progress` push (keyed by the request id) and stop when
 * the caller cancels (bridge `cancel(id)`; the handler sees `ctx.signal` aborted).
 *
 * No Node imports here: the renderer imports this file.
 */
import { z } from 'zod';
import { errorReply, jsonBytes, MAX_PAYLOAD_BYTES, type Reply } from './wire';
import { CyclesRequest, CyclesResponse, ImagesRequest, ImagesResponse, InspectRequest, InspectResponse, ProtectionsRequest, ProtectionsResponse, RunRequest, RunResponse } from './sim-schemas';
import {
  ScenarioListRequest, ScenarioListResponse, ScenarioOpenRequest, ScenarioOpenResponse, ScenarioSaveRequest, ScenarioSaveResponse,
  ScenarioValidateRequest, ScenarioValidateResponse,
} from './scenario-schemas';
import { CampaignAvfRequest, CampaignListResponse, CampaignLoadRequest, CampaignResult, CampaignRunRequest } from './campaign-schemas';

/** One request/response channel of the contract. */
export interface ChannelDef<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  /** Schema of the request payload (validated in main before the handler runs). */
  readonly request: Req;
  /** Schema of the response value (validated in main before it is sent back). */
  readonly response: Res;
  /** True when the handler honours cancellation (long simulations, campaigns). */
  readonly cancellable: boolean;
  /** Push channels this request may emit while it runs. */
  readonly pushes: readonly string[];
  /** One line for docs and error messages. */
  readonly summary: string;
}

/** Request schema of channels that take no parameters: `{}` (the bridge sends `{}` when omitted). */
export const NoParams = z.strictObject({});

/** Response of `app.version`. */
export const AppVersion = z.strictObject({
  /** Application version (package.json `version`), semver. */
  app: z.string(),
  /** Version of the simulator core (sim/) API and numerics. */
  simCore: z.string(),
  /** Which shell serves the services. */
  shell: z.enum(['electron', 'web']),
  /** Electron version, or null in the web shell. */
  electron: z.string().nullable(),
  /** Node.js version of the main process. */
  node: z.string(),
});

/** One shipped model (mirrors models/registry.ts ModelInfo). */
export const ModelSummary = z.strictObject({
  id: z.string(),
  name: z.string(),
  dataset: z.enum(['mnist', 'fashion-mnist', 'cifar10', 'imagenet', 'none']),
  /** True when trained weights exist; false = seeded random weights. */
  trained: z.boolean(),
  description: z.string(),
});

/** Request of `model.import`: the file's name and its bytes as base64 (the 1 MiB message cap bounds it). */
export const ModelImportRequest = z.strictObject({
  name: z.string().min(1).max(255),
  data: z.string().min(1).max(1_000_000).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'),
});

/** Response of `model.import`: the model id to pick (`imported:<file>.onnx`) and its display name. */
export const ModelImportResponse = z.strictObject({ id: z.string(), name: z.string() });

/** One scenario file (mirrors scenarios/io/catalog.ts ScenarioInfo, minus its absolute path). */
export const ScenarioSummary = z.strictObject({
  /** File name without `.json`. */
  id: z.string(),
  name: z.string(),
  description: z.string(),
});

/** Payload of the `job.progress` push: progress of one long request. */
export const JobProgress = z.strictObject({
  /** Id of the request this progress belongs to. */
  id: z.string(),
  /** Work units done so far (e.g. trials, inferences, layers). */
  done: z.number().int().nonnegative(),
  /** Total work units, or null when unknown. */
  total: z.number().int().nonnegative().nullable(),
  /** Short human-readable status. */
  message: z.string(),
});

function channel<Req extends z.ZodType, Res extends z.ZodType>(def: ChannelDef<Req, Res>): ChannelDef<Req, Res> {
  return def;
}

/** Every request/response channel. Add new channels here (and only here). */
export const CHANNELS = {
  'app.version': channel({
    request: NoParams,
    response: AppVersion,
    cancellable: false,
    pushes: [],
    summary: 'Application and simulator-core versions, and which shell is running.',
  }),
  'catalog.models': channel({
    request: NoParams,
    response: z.array(ModelSummary),
    cancellable: false,
    pushes: [],
    summary: 'The shipped models (models/registry.ts), default first, then the .onnx files of the imported-models folder (imported:<file>).',
  }),
  'model.import': channel({
    request: ModelImportRequest,
    response: ModelImportResponse,
    cancellable: false,
    pushes: [],
    summary: 'Checks an .onnx file (base64, at most 700 KiB) with the importer and saves it in the imported-models folder; the picker then lists it as imported:<name>.onnx.',
  }),
  'catalog.scenarios': channel({
    request: NoParams,
    response: z.array(ScenarioSummary),
    cancellable: false,
    pushes: [],
    summary: 'The example scenario files (scenarios/examples), sorted by id.',
  }),
  'catalog.protections': channel({
    request: ProtectionsRequest,
    response: ProtectionsResponse,
    cancellable: false,
    pushes: [],
    summary: 'Protections sim.run can apply to a model: relu plus those with protected weights in models/weights/protected.',
  }),
  'sim.cycles': channel({
    request: CyclesRequest,
    response: CyclesResponse,
    cancellable: true,
    pushes: [],
    summary: 'Cycle model of a model on an array: per layer GEMM, mapping, folds, cycles, utilization.',
  }),
  'sim.run': channel({
    request: RunRequest,
    response: RunResponse,
    cancellable: true,
    pushes: ['job.progress'],
    summary: 'Model + scenario + array: state trace, faults, per-layer golden vs faulty outputs and stats (worker thread).',
  }),
  'sim.inspect': channel({
    request: InspectRequest,
    response: InspectResponse,
    cancellable: true,
    pushes: [],
    summary: 'A PE or SRAM word of a finished run at a cycle: golden/faulty value and fault history.',
  }),
  'data.images': channel({
    request: ImagesRequest,
    response: ImagesResponse,
    cancellable: true,
    pushes: [],
    summary: "Test-set images (pixels and labels) of a model's dataset, for the input picker.",
  }),
  'scenario.list': channel({
    request: ScenarioListRequest,
    response: ScenarioListResponse,
    cancellable: false,
    pushes: [],
    summary: 'One page of the example and user scenario files (regular files only, read asynchronously, 4 at a time), and the user scenarios directory.',
  }),
  'scenario.open': channel({
    request: ScenarioOpenRequest,
    response: ScenarioOpenResponse,
    cancellable: false,
    pushes: [],
    summary: 'The text of an example or user scenario file.',
  }),
  'scenario.save': channel({
    request: ScenarioSaveRequest,
    response: ScenarioSaveResponse,
    cancellable: false,
    pushes: [],
    summary: 'Writes a scenario into the user scenarios directory (never elsewhere).',
  }),
  'scenario.validate': channel({
    request: ScenarioValidateRequest,
    response: ScenarioValidateResponse,
    cancellable: false,
    pushes: [],
    summary: 'Validates scenario text for an array (scenarios/validate): every error with its JSON path.',
  }),
  'campaign.list': channel({
    request: NoParams,
    response: CampaignListResponse,
    cancellable: false,
    pushes: [],
    summary: 'Shipped campaign files (campaigns/) and past campaign runs with a summary.',
  }),
  'campaign.run': channel({
    request: CampaignRunRequest,
    response: CampaignResult,
    cancellable: true,
    pushes: ['job.progress'],
    summary: 'Runs a campaign file on the engine in the worker thread (progress per trial; cancel keeps finished trials).',
  }),
  'campaign.load': channel({
    request: CampaignLoadRequest,
    response: CampaignResult,
    cancellable: false,
    pushes: [],
    summary: 'The summary of a past campaign run.',
  }),
  'campaign.avf': channel({
    request: CampaignAvfRequest,
    response: CampaignResult,
    cancellable: true,
    pushes: ['job.progress'],
    summary: 'Runs an AVF study (the campaign `faultline avf` builds, campaign/avf-study.ts) on the engine in the worker thread.',
  }),
} as const;

/** Every push channel (main -> renderer) with its payload schema. */
export const PUSHES = {
  'job.progress': JobProgress,
} as const;

/** Any contract: a map of channel names to definitions (the real one is `CHANNELS`; tests may build others). */
export type ContractDef = Readonly<Record<string, ChannelDef>>;
/** Any push map: push channel names to payload schemas. */
export type PushDef = Readonly<Record<string, z.ZodType>>;

/** Name of a request/response channel. */
export type Channel = keyof typeof CHANNELS & string;
/** Name of a push channel. */
export type PushChannel = keyof typeof PUSHES & string;
/** Request payload type of channel `C` (what the caller passes). */
export type RequestOf<C extends Channel> = z.input<(typeof CHANNELS)[C]['request']>;
/** Response value type of channel `C`. */
export type ResponseOf<C extends Channel> = z.output<(typeof CHANNELS)[C]['response']>;
/** Payload type of push channel `P`. */
export type PushOf<P extends PushChannel> = z.output<(typeof PUSHES)[P]>;

/** Options of one invocation. */
export interface InvokeOptions {
  /** Caller-chosen request id (unique per connection); pass it to `cancel`. Generated when omitted. */
  readonly id?: string;
}

/**
 * The one object the renderer talks to: `window.faultline` in Electron (preload), a WebSocket client
 * in the web shell. Never throws for protocol errors: failures come back as `{ ok:false, error }`.
 */
export interface FaultlineBridge {
  /** Calls `channel` with `payload`; resolves to the typed reply. */
  invoke<C extends Channel>(channel: C, payload: RequestOf<C>, options?: InvokeOptions): Promise<Reply<ResponseOf<C>>>;
  /** Cancels an in-flight request by id (no-op when unknown); its reply becomes a `cancelled` error. */
  cancel(id: string): void;
  /** Subscribes to a push channel; returns the unsubscribe function. */
  on<P extends PushChannel>(channel: P, listener: (payload: PushOf<P>) => void): () => void;
}

/** Formats zod issues as "path: message; path: message" (path "(payload)" for the root). */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(payload)'}: ${i.message}`)
    .join('; ');
}

/**
 * Validates a request for `channel` of contract `def`: unknown channel, oversized payload
 * (> MAX_PAYLOAD_BYTES bytes of JSON) and schema violations give a typed error reply naming the channel
 * and the field. On success, the parsed (defaulted) payload.
 */
export function parseRequest(def: ContractDef, channel: unknown, payload: unknown): Reply<unknown> {
  if (typeof channel !== 'string' || !Object.prototype.hasOwnProperty.call(def, channel)) {
    const shown = typeof channel === 'string' ? JSON.stringify(channel.slice(0, 80)) : typeof channel;
    return errorReply('unknown-channel', `unknown channel ${shown}; known: ${Object.keys(def).join(', ')}`);
  }
  const size = jsonBytes(payload);
  if (size > MAX_PAYLOAD_BYTES) {
    return errorReply('too-large', `${channel}: payload is ${size} bytes, limit is ${MAX_PAYLOAD_BYTES} bytes`);
  }
  const parsed = def[channel].request.safeParse(payload === undefined ? {} : payload);
  if (!parsed.success) return errorReply('bad-request', `${channel}: ${formatIssues(parsed.error)}`);
  return { ok: true, value: parsed.data };
}

/** Validates a handler's response for `channel`; a mismatch is a bug in main, reported as `internal`. */
export function parseResponse(def: ContractDef, channel: string, value: unknown): Reply<unknown> {
  const parsed = def[channel].response.safeParse(value);
  if (!parsed.success) return errorReply('internal', `${channel}: response failed its schema: ${formatIssues(parsed.error)}`);
  return { ok: true, value: parsed.data };
}
