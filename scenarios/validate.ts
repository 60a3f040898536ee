/**
 * Scenario validation pipeline (pure: string in, Result out; file reading is in scenarios/io):
 * size limit -> JSON syntax (line/column) -> zod structure -> machine semantics -> array checks.
 * Every error names the JSON path and, where it applies, expected vs found.
 */
import type { ArraySpec } from '../sim/types';
import { ok, type Success } from '../sim/result';
import { checkAgainstArray } from './arraycheck';
import { scenarioFailure, type ScenarioFailure, type TextPosition } from './errors';
import { parseJson } from './json';
import { ScenarioFileSchema, type ScenarioFile } from './schema';
import { checkMachine, zodErrors } from './semantics';
import type { MachineInventory } from './walk';

/** Largest scenario text accepted, in characters (1 MiB). */
export const MAX_SCENARIO_CHARS = 1 << 20;
/** Deepest JSON nesting accepted. */
export const MAX_JSON_DEPTH = 64;

/** A validated scenario: the file content, its machine inventory and value positions. */
export interface ValidScenario {
  readonly file: ScenarioFile;
  readonly inventory: MachineInventory;
  /** Line/column of each JSON path (for GUI annotations). */
  readonly positions: ReadonlyMap<string, TextPosition>;
}

/** Validation result: the scenario, or every error found. */
export type ScenarioResult = Success<ValidScenario> | ScenarioFailure;

/** Options of validation. */
export interface ValidateOptions {
  /** File name shown in messages. */
  readonly file?: string;
}

/** Validates scenario text without an array (structure and machine semantics only). */
export function parseScenario(text: string, options: ValidateOptions = {}): ScenarioResult {
  const { file } = options;
  if (typeof text !== 'string') return scenarioFailure([{ path: '', message: 'scenario text is not a string' }], file);
  if (text.length > MAX_SCENARIO_CHARS) {
    return scenarioFailure([{ path: '', message: 'scenario file too large', expected: `at most ${MAX_SCENARIO_CHARS} characters`, found: String(text.length) }], file);
  }
  const parsed = parseJson(text, MAX_JSON_DEPTH);
  if (!parsed.ok) return scenarioFailure([{ path: '', message: `JSON syntax error: ${parsed.message}`, position: parsed.position }], file);
  const structural = ScenarioFileSchema.safeParse(parsed.value);
  if (!structural.success) {
    return scenarioFailure(zodErrors(structural.error, [], parsed.value), file, parsed.positions);
  }
  const scenario = structural.data as ScenarioFile;
  const machine = checkMachine(scenario.machine);
  if (machine.errors.length > 0 || !machine.inventory) return scenarioFailure(machine.errors, file, parsed.positions);
  return ok({ file: scenario, inventory: machine.inventory, positions: parsed.positions });
}

/** Validates scenario text for a run on `spec`: parseScenario plus the array checks. */
export function validateScenario(text: string, spec: ArraySpec, options: ValidateOptions = {}): ScenarioResult {
  const r = parseScenario(text, options);
  if (!r.ok) return r;
  return checkScenarioForArray(r.value, spec, options);
}

/** Array checks of an already parsed scenario (e.g. when the user changes the array in the GUI). */
export function checkScenarioForArray(s: ValidScenario, spec: ArraySpec, options: ValidateOptions = {}): ScenarioResult {
  const errors = checkAgainstArray(s.file, s.inventory, spec);
  return errors.length > 0 ? scenarioFailure(errors, options.file, s.positions) : ok(s);
}
