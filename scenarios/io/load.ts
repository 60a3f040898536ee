/**
 * Reading scenario files from disk: regular files only, size check before reading, then the pure validation of
 * scenarios/validate.ts with the file path in every message.
 */
import { resolve } from 'node:path';
import { readTextFileSafe } from '../../models/io/safeFile';
import type { ArraySpec } from '../../sim/types';
import { scenarioFailure } from '../errors';
import { MAX_SCENARIO_CHARS, parseScenario, validateScenario, type ScenarioResult } from '../validate';

/** Reads a file as UTF-8 text (regular files only, size checked first, BOM removed); a failure on error. */
function readText(file: string): { ok: true; text: string } | ScenarioResult {
  const r = readTextFileSafe(file, { maxBytes: MAX_SCENARIO_CHARS * 4, label: '' });
  if (r.ok) return { ok: true, text: r.value };
  return scenarioFailure([{ path: '', message: r.reason.replace(/^: /, '') }], file);
}

/** Loads and validates a scenario file for a run on `spec` (messages start with the path). */
export function loadScenarioFile(file: string, spec: ArraySpec): ScenarioResult {
  const abs = resolve(file);
  const r = readText(abs);
  if (!('text' in r)) return r;
  return validateScenario(r.text, spec, { file });
}

/** Loads a scenario file and checks structure and machine only (no array). */
export function parseScenarioFile(file: string): ScenarioResult {
  const r = readText(resolve(file));
  if (!('text' in r)) return r;
  return parseScenario(r.text, { file });
}
