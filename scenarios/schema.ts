/**
 * Zod 4 schemas of the scenario file format (docs/README-scenarios.md): the file envelope, the
 * XState machine config as JSON, and the parameters of every action and guard of the vocabulary.
 * Structural only: references between states, ranges against the array, etc. are checked in
 * validate.ts / semantics.ts.
 */
import { z } from 'zod';
import { FAULT_KINDS, FAULT_TARGETS, SIM_EVENT_TYPES, SRAM_TARGETS } from './types';
import { MAX_RUN_FAULTS } from '../sim/faults/resolve';

/** Largest cycle number accepted anywhere in a scenario (2^48 cycles). */
export const MAX_CYCLE = 2 ** 48;
/** Largest number of bit positions in one fault. */
export const MAX_BITS_PER_FAULT = 32;

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const Name = z.string().min(1).max(100);
const Target = z.enum(FAULT_TARGETS as [string, ...string[]]);
const Kind = z.enum(FAULT_KINDS as [string, ...string[]]);

/** A fault location: SRAM word address, PE (row, col), or random (drawn with the scenario seed). */
export const LocationSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('address'), address: int(0, 2 ** 40) }),
  z.strictObject({ kind: z.literal('pe'), row: int(0, 1 << 16), col: int(0, 1 << 16) }),
  z.strictObject({ kind: z.literal('random') }),
]);

/** Bit position 0 (LSB) .. 63; the word width is checked against the array's format later. */
const Bit = int(0, 63);

/** Parameters of each action type, by type name. */
export const ACTION_PARAMS = {
  injectFault: z.strictObject({
    id: Name.optional(),
    target: Target,
    kind: Kind,
    location: LocationSchema,
    bits: z.array(Bit).min(1).max(MAX_BITS_PER_FAULT),
    cluster: z.strictObject({ rows: int(1, 256), cols: int(1, 1 << 16) }).optional(),
    duration: int(1, MAX_CYCLE).optional(),
    /** Faults injected at once at distinct random units (location random, no cluster); <= the run's fault limit. */
    count: int(1, MAX_RUN_FAULTS).optional(),
  }),
  setRate: z.strictObject({ target: Target, ber: z.number().gt(0).lte(1), model: z.enum(['per-bit', 'count']) }),
  stopRate: z.strictObject({ target: z.enum([...FAULT_TARGETS, 'all'] as unknown as [string, ...string[]]) }),
  addStuckAt: z.strictObject({
    id: Name.optional(),
    target: Target,
    location: LocationSchema,
    bit: Bit,
    value: z.union([z.literal(0), z.literal(1)]),
  }),
  scrub: z.strictObject({ target: z.enum([...SRAM_TARGETS, 'all'] as [string, ...string[]]) }),
  repair: z.strictObject({ id: Name }),
  clearAll: z.strictObject({}),
} as const;

/** Names of the action vocabulary. */
export type ActionType = keyof typeof ACTION_PARAMS;
/** The action vocabulary, in documentation order. */
export const ACTION_TYPES = Object.keys(ACTION_PARAMS) as ActionType[];

/** Parameters of each guard type. Guards read the payload of the event being handled. */
export const GUARD_PARAMS = {
  /** Event's layer index equals `index` and/or its layer name equals `name`. */
  layerIs: z.strictObject({ index: int(0, 1 << 20).optional(), name: Name.optional() }).refine((p) => p.index !== undefined || p.name !== undefined, {
    message: 'give index and/or name',
  }),
  /** Event's inference index >= n. */
  inferenceAtLeast: z.strictObject({ n: int(0, 1 << 30) }),
  /** Event's inference index == n. */
  inferenceIs: z.strictObject({ n: int(0, 1 << 30) }),
  /** Event's inference index % n == offset (offset defaults to 0). */
  inferenceEvery: z.strictObject({ n: int(1, 1 << 30), offset: int(0, 1 << 30).optional() }),
  /** Event's fold index equals `index`. */
  foldIs: z.strictObject({ index: int(0, 1 << 30) }),
} as const;

/** Names of the guard vocabulary. */
export type GuardType = keyof typeof GUARD_PARAMS;
/** The guard vocabulary. */
export const GUARD_TYPES = Object.keys(GUARD_PARAMS) as GuardType[];

/** JSON form of an action reference: `{type, params}` (or a bare type name for `clearAll`). */
export type ActionRefJson = string | { readonly type: string; readonly params?: unknown };
/** JSON form of a guard reference. */
export type GuardRefJson = { readonly type: string; readonly params?: unknown };
/** JSON form of one transition. */
export type TransitionJson =
  | string
  | {
      readonly target?: string | readonly string[];
      readonly guard?: GuardRefJson;
      readonly actions?: ActionRefJson | readonly ActionRefJson[];
      readonly reenter?: boolean;
      readonly description?: string;
    };
/** One transition or a list tried in order (first whose guard passes). */
export type TransitionsJson = TransitionJson | readonly TransitionJson[];
/** JSON form of a state node (the root machine config is one too, with `id`). */
export interface StateNodeJson {
  readonly id?: string;
  readonly type?: 'atomic' | 'compound' | 'parallel' | 'final';
  readonly initial?: string;
  readonly description?: string;
  readonly meta?: Readonly<Record<string, unknown>>;
  readonly tags?: readonly string[];
  readonly states?: Readonly<Record<string, StateNodeJson>>;
  readonly on?: Readonly<Record<string, TransitionsJson>>;
  readonly after?: Readonly<Record<string, TransitionsJson>>;
  readonly entry?: ActionRefJson | readonly ActionRefJson[];
  readonly exit?: ActionRefJson | readonly ActionRefJson[];
}

/** Builds the machine schema around an action / guard reference schema (loose for validation,
 * discriminated for the published JSON Schema). */
function machineSchema(action: z.ZodType, guard: z.ZodType) {
  const actions = z.union([action, z.array(action).max(64)]);
  const transition = z.union([
    z.string().min(1).max(300),
    z.strictObject({
      target: z.union([z.string().min(1).max(300), z.array(z.string().min(1).max(300)).min(1).max(16)]).optional(),
      guard: guard.optional(),
      actions: actions.optional(),
      reenter: z.boolean().optional(),
      description: z.string().max(2000).optional(),
    }),
  ]);
  const transitions = z.union([transition, z.array(transition).min(1).max(32)]);
  const StateNode: z.ZodType<StateNodeJson> = z.strictObject({
    id: Name.optional(),
    type: z.enum(['atomic', 'compound', 'parallel', 'final']).optional(),
    initial: z.string().min(1).max(100).optional(),
    description: z.string().max(4000).optional(),
    meta: z.record(z.string(), z.unknown()).optional(),
    tags: z.array(z.string().max(100)).max(32).optional(),
    get states() {
      return z.record(z.string().min(1).max(100), StateNode).optional();
    },
    on: z.record(z.string(), transitions).optional(),
    after: z.record(z.string(), transitions).optional(),
    entry: actions.optional(),
    exit: actions.optional(),
  }) as unknown as z.ZodType<StateNodeJson>;
  return StateNode;
}

const LooseAction = z.union([z.string().min(1).max(100), z.strictObject({ type: z.string().min(1).max(100), params: z.unknown().optional() })]);
const LooseGuard = z.strictObject({ type: z.string().min(1).max(100), params: z.unknown().optional() });

const StrictAction = z.union([
  z.literal('clearAll'),
  ...ACTION_TYPES.map((t) => z.strictObject({ type: z.literal(t), params: ACTION_PARAMS[t] })),
]);
const StrictGuard = z.union(GUARD_TYPES.map((t) => z.strictObject({ type: z.literal(t), params: GUARD_PARAMS[t] })));

/** Constraints a scenario puts on the array it runs on (minimum rows/cols, exact dataflow). */
export const RequiresSchema = z.strictObject({
  rows: int(1, 256).optional(),
  cols: int(1, 256).optional(),
  dataflow: z.enum(['ws', 'os', 'is']).optional(),
});

function fileSchema(machine: z.ZodType<StateNodeJson>) {
  return z.strictObject({
    $schema: z.string().max(500).optional(),
    name: z.string().min(1).max(200),
    description: z.string().max(8000),
    version: z.literal(1),
    requires: RequiresSchema.optional(),
    seed: int(0, 2 ** 32 - 1).optional(),
    machine,
  });
}

/** Structural schema used by validation (action/guard params checked per type afterwards). */
export const ScenarioFileSchema = fileSchema(machineSchema(LooseAction, LooseGuard));
/** Full schema with every action's and guard's parameters, for the published JSON Schema. */
export const ScenarioFileStrictSchema = fileSchema(machineSchema(StrictAction, StrictGuard));

/** A structurally valid scenario file. */
export interface ScenarioFile {
  readonly $schema?: string;
  readonly name: string;
  readonly description: string;
  readonly version: 1;
  readonly requires?: z.infer<typeof RequiresSchema>;
  /** Seed of the random draws (locations, rate flips); default 0. */
  readonly seed?: number;
  readonly machine: StateNodeJson;
}

/** The JSON Schema (draft 2020-12) of scenario files, as written to scenarios/scenario.schema.json. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ScenarioFileStrictSchema, { unrepresentable: 'any', reused: 'ref' }),
    $id: 'https://faultline.local/scenario.schema.json',
    title: 'Faultline scenario',
  };
}

/** Event names a machine may react to (`on` keys). */
export const EVENT_NAMES: readonly string[] = SIM_EVENT_TYPES;
