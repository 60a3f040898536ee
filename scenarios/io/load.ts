/**
 * Reading scenario files from disk: size check before reading, then the pure validation of
 * scenarios/validate.ts with the file path in every message.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ArraySpec } from '../../sim/types';
import { scenarioFailure } from '../errors';
import { MAX_SCENARIO_CHARS, parseScenario, validateScenario, type ScenarioResult } from '../validate';

/** Reads a file as UTF-8 text, refusing files over the scenario size limit; a failure on error. */
function readText(file: string): { ok: true; text: string } | ScenarioResult {
  try {
    const st = statSync(file);
    if (!st.isFile()) return scenarioFailure([{ path: '', message: 'not a regular file' }], file);
    if (st.size > MAX_SCENARIO_CHARS * 4) {
      return scenarioFailure([{ path: '', message: 'scenario file too large', expected: `at most ${MAX_SCENARIO_CHARS} characters`, found: `${st.size} bytes` }], file);
    }
    return { ok: true, text: readFileSync(file, 'utf8') };
  } catch (e) {
    return scenarioFailure([{ path: '', message: `cannot read file: ${(e as Error).message}` }], file);
  }
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
