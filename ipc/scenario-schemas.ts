/**
 * Request/response schemas of the scenario channels (`scenario.list`, `scenario.open`,
 * `scenario.save`, `scenario.validate`). No Node imports: the renderer imports this file.
 */
import { z } from 'zod';
import { ArrayInput } from './sim-schemas';

/** A scenario file id: its name without `.json` (letters, digits, `-`, `_`; no paths). */
export const ScenarioId = z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'a file name of letters, digits, - and _ (no path, no extension)');

/** Where a scenario file lives: the shipped examples (read-only) or the user's scenarios directory. */
export const ScenarioPlace = z.enum(['example', 'user']);

/** One entry of `scenario.list`. */
export const ScenarioListItem = z.strictObject({
  id: z.string(),
  source: ScenarioPlace,
  name: z.string(),
  description: z.string(),
});

/** Most entries in one `scenario.list` reply. */
export const LIST_PAGE_MAX = 200;

/** Request of `scenario.list`: one page of entries (examples first, then user files, each sorted by id). */
export const ScenarioListRequest = z.strictObject({
  /** Index of the first entry (0-based). */
  offset: z.number().int().min(0).max(1_000_000).default(0),
  /** Entries wanted, 1..LIST_PAGE_MAX. */
  limit: z.number().int().min(1).max(LIST_PAGE_MAX).default(LIST_PAGE_MAX),
});

/** Response of `scenario.list`. */
export const ScenarioListResponse = z.strictObject({
  items: z.array(ScenarioListItem),
  /** The user scenarios directory (where `scenario.save` writes). */
  userDir: z.string(),
  /** Entries in all pages. */
  total: z.number().int().min(0),
  /** Index of this page's first entry. */
  offset: z.number().int().min(0),
  /** Offset of the next page, or null when this is the last one. */
  nextOffset: z.number().int().min(0).nullable(),
});

/** Request of `scenario.open`. */
export const ScenarioOpenRequest = z.strictObject({ source: ScenarioPlace, id: ScenarioId });

/** Response of `scenario.open`: the file's text. */
export const ScenarioOpenResponse = z.strictObject({ source: ScenarioPlace, id: z.string(), text: z.string() });

/** Request of `scenario.save`: writes `<userDir>/<id>.json` (never anywhere else). */
export const ScenarioSaveRequest = z.strictObject({
  id: ScenarioId,
  text: z.string().max(1 << 20),
  /** Replace an existing file of that id. */
  overwrite: z.boolean().default(false),
});

/** Response of `scenario.save`. */
export const ScenarioSaveResponse = z.strictObject({
  id: z.string(),
  /** Absolute path written. */
  path: z.string(),
  /** False when the file existed and `overwrite` was false (nothing written). */
  written: z.boolean(),
});

/** Request of `scenario.validate`. */
export const ScenarioValidateRequest = z.strictObject({
  text: z.string().max(1 << 20),
  file: z.string().max(200).default('scenario.json'),
  array: ArrayInput,
});

/** One validation error (scenarios/errors.ts ScenarioError). */
export const ScenarioErrorItem = z.strictObject({
  path: z.string(),
  message: z.string(),
  expected: z.string().optional(),
  found: z.string().optional(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  /** The whole error formatted as one line. */
  text: z.string(),
});

/** Response of `scenario.validate`. */
export const ScenarioValidateResponse = z.strictObject({
  valid: z.boolean(),
  errors: z.array(ScenarioErrorItem),
});
