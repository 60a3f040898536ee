/**
 * Scenario file services: list the shipped examples and the user's scenarios, open one, save into
 * the user scenarios directory only (ids are plain file names, checked by the contract and again
 * here: the resolved path must sit directly inside that directory), and validate text for an array.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { z } from 'zod';
import { listScenarios } from '../../scenarios/io/catalog';
import { validateScenario } from '../../scenarios/validate';
import { formatError } from '../../scenarios/errors';
import type {
  ScenarioListResponse, ScenarioOpenRequest, ScenarioOpenResponse, ScenarioSaveRequest, ScenarioSaveResponse,
  ScenarioValidateRequest, ScenarioValidateResponse,
} from '../../ipc/scenario-schemas';
import { specOf } from './sim/pipeline-spec';

/** Largest scenario file read, bytes. */
const MAX_FILE_BYTES = 4 << 20;

/** Default user scenarios directory: $FAULTLINE_USER_DIR/scenarios, else ~/.faultline/scenarios. */
export function defaultUserScenariosDir(): string {
  return join(process.env['FAULTLINE_USER_DIR'] ?? join(homedir(), '.faultline'), 'scenarios');
}

/** Path of `<dir>/<id>.json`, refusing anything that would not sit directly in `dir`. */
export function fileInDir(dir: string, id: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(id)) throw new Error(`id: expected a plain file name, found ${JSON.stringify(id)}`);
  const base = resolve(dir);
  const file = resolve(base, `${id}.json`);
  if (dirname(file) !== base) throw new Error(`id: ${JSON.stringify(id)} leaves the scenarios directory`);
  return file;
}

/** `scenario.list`: examples then user files. */
export function listAll(examplesDir: string, userDir: string): z.input<typeof ScenarioListResponse> {
  const items = [
    ...listScenarios(examplesDir).map((s) => ({ id: s.id, source: 'example' as const, name: s.name, description: s.description })),
    ...listScenarios(userDir).map((s) => ({ id: s.id, source: 'user' as const, name: s.name, description: s.description })),
  ];
  return { items, userDir: resolve(userDir) };
}

/** `scenario.open`: the text of one file. */
export function openScenario(examplesDir: string, userDir: string, req: z.output<typeof ScenarioOpenRequest>): z.input<typeof ScenarioOpenResponse> {
  const file = fileInDir(req.source === 'example' ? examplesDir : userDir, req.id);
  if (!existsSync(file)) throw new Error(`id: no ${req.source} scenario ${JSON.stringify(req.id)}`);
  if (statSync(file).size > MAX_FILE_BYTES) throw new Error(`id: scenario ${req.id} is larger than ${MAX_FILE_BYTES} bytes`);
  return { source: req.source, id: req.id, text: readFileSync(file, 'utf8') };
}

/** `scenario.save`: writes `<userDir>/<id>.json` atomically (temp file + rename). The text must be JSON. */
export function saveScenario(userDir: string, req: z.output<typeof ScenarioSaveRequest>): z.input<typeof ScenarioSaveResponse> {
  const file = fileInDir(userDir, req.id);
  try {
    JSON.parse(req.text);
  } catch (e) {
    throw new Error(`text: expected JSON, ${(e as Error).message}`);
  }
  if (existsSync(file) && !req.overwrite) return { id: req.id, path: file, written: false };
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, req.text.endsWith('\n') ? req.text : `${req.text}\n`, 'utf8');
  renameSync(tmp, file);
  return { id: req.id, path: file, written: true };
}

/** `scenario.validate`: every error with its JSON path and position. */
export function validateText(req: z.output<typeof ScenarioValidateRequest>): z.input<typeof ScenarioValidateResponse> {
  const r = validateScenario(req.text, specOf(req.array), { file: req.file });
  if (r.ok) return { valid: true, errors: [] };
  return {
    valid: false,
    errors: r.errors.map((e) => ({
      path: e.path, message: e.message,
      ...(e.expected !== undefined ? { expected: e.expected } : {}),
      ...(e.found !== undefined ? { found: e.found } : {}),
      ...(e.position ? { line: e.position.line, column: e.position.column } : {}),
      text: formatError(e, req.file),
    })),
  };
}
