/**
 * Scenario file services: list the shipped examples and the user's scenarios, open one, save into
 * the user scenarios directory only (ids are plain file names, checked by the contract and again
 * here: the resolved path must sit directly inside that directory), and validate text for an array.
 * Reading is asynchronous and bounded: only regular files (no FIFO, device or symlink is opened for a
 * blocking read), the size checked on the open descriptor before reading, at most LIST_CONCURRENCY
 * files read at once, and the list is paginated (LIST_PAGE_MAX entries per reply).
 */
import { constants, existsSync, mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { open, opendir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { z } from 'zod';
import { validateScenario } from '../../scenarios/validate';
import { formatError } from '../../scenarios/errors';
import type {
  ScenarioListRequest, ScenarioListResponse, ScenarioOpenRequest, ScenarioOpenResponse, ScenarioSaveRequest, ScenarioSaveResponse,
  ScenarioValidateRequest, ScenarioValidateResponse,
} from '../../ipc/scenario-schemas';
import { LIST_PAGE_MAX } from '../../ipc/scenario-schemas';
import { specOf } from './sim/pipeline-spec';
import { parseJsonText, stripBom } from '../../scenarios/json';

/** Largest scenario file opened, bytes. */
export const MAX_FILE_BYTES = 4 << 20;
/** Largest file whose name and description the list reads, bytes (a scenario's text is ≤ 1 MiB). */
export const LIST_READ_BYTES = 1 << 20;
/** Most directory entries looked at per scenarios folder. */
export const MAX_DIR_ENTRIES = 10_000;
/** Files read at once while listing. */
export const LIST_CONCURRENCY = 4;
/** Longest name / description sent in the list, characters (longer ones are cut, ending in "…"). */
export const LIST_TEXT_CHARS = { name: 200, description: 2000 } as const;

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Default user scenarios directory: $FAULTLINE_USER_DIR/scenarios, else ~/.faultline/scenarios. */
export function defaultUserScenariosDir(): string {
  return join(process.env['FAULTLINE_USER_DIR'] ?? join(homedir(), '.faultline'), 'scenarios');
}

/** Path of `<dir>/<id>.json`, refusing anything that would not sit directly in `dir`. */
export function fileInDir(dir: string, id: string): string {
  if (!ID.test(id)) throw new Error(`id: expected a plain file name, found ${JSON.stringify(id)}`);
  const base = resolve(dir);
  const file = resolve(base, `${id}.json`);
  if (dirname(file) !== base) throw new Error(`id: ${JSON.stringify(id)} leaves the scenarios directory`);
  return file;
}

/** Text of a file, or why it was not read. */
export type ReadOutcome = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

/**
 * Reads `file` as UTF-8 if it is a regular file (not followed through a symlink) of at most `maxBytes`
 * bytes; the size is checked on the open descriptor before reading, and no more than that is read.
 * O_NONBLOCK keeps a FIFO from blocking the open.
 */
export async function readRegularFile(file: string, maxBytes: number): Promise<ReadOutcome> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? 'no such file' : code === 'ELOOP' ? 'a symbolic link (not followed)' : `cannot open (${code ?? 'error'})` };
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return { ok: false, reason: 'not a regular file' };
    if (st.size > maxBytes) return { ok: false, reason: `${st.size} bytes, larger than the ${maxBytes}-byte limit` };
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < st.size) {
      const { bytesRead } = await handle.read(buf, got, st.size - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return { ok: true, text: buf.subarray(0, got).toString('utf8') };
  } finally {
    await handle.close();
  }
}

/** Ids of the `<id>.json` regular files directly in `dir`, sorted; at most MAX_DIR_ENTRIES entries looked at. */
export async function scenarioIds(dir: string): Promise<string[]> {
  const ids: string[] = [];
  let seen = 0;
  try {
    const d = await opendir(dir);
    for await (const entry of d) {
      if (++seen > MAX_DIR_ENTRIES) break;
      if (!entry.isFile() || !entry.name.endsWith('.json')) continue;
      const id = entry.name.slice(0, -'.json'.length);
      if (ID.test(id)) ids.push(id);
    }
  } catch {
    return [];
  }
  return ids.sort();
}

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

async function summarise(dir: string, id: string, source: 'example' | 'user') {
  const r = await readRegularFile(join(dir, `${id}.json`), LIST_READ_BYTES);
  let name = id;
  let description: string;
  if (!r.ok) description = `unreadable: ${r.reason}`;
  else {
    try {
      const doc = JSON.parse(stripBom(r.text)) as { name?: unknown; description?: unknown } | null;
      if (typeof doc?.name === 'string') name = doc.name;
      description = typeof doc?.description === 'string' ? doc.description : '';
    } catch (e) {
      description = `unreadable: ${(e as Error).message}`;
    }
  }
  return { id, source, name: cut(name, LIST_TEXT_CHARS.name), description: cut(description, LIST_TEXT_CHARS.description) };
}

/** Maps `items` through `fn` with at most `limit` calls pending at once, keeping the order. */
async function mapBounded<T, U>(items: readonly T[], limit: number, fn: (item: T) => Promise<U>): Promise<U[]> {
  const out = new Array<U>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

/**
 * `scenario.list`: one page of the examples then the user files (`offset` and `limit` count entries,
 * limit ≤ LIST_PAGE_MAX); only the files of that page are read. `nextOffset` is null on the last page.
 */
export async function listAll(
  examplesDir: string,
  userDir: string,
  page: z.output<typeof ScenarioListRequest> = { offset: 0, limit: LIST_PAGE_MAX },
): Promise<z.input<typeof ScenarioListResponse>> {
  const [examples, user] = await Promise.all([scenarioIds(examplesDir), scenarioIds(userDir)]);
  const all = [...examples.map((id) => ({ id, source: 'example' as const })), ...user.map((id) => ({ id, source: 'user' as const }))];
  const limit = Math.min(page.limit, LIST_PAGE_MAX);
  const slice = all.slice(page.offset, page.offset + limit);
  const items = await mapBounded(slice, LIST_CONCURRENCY, (e) => summarise(e.source === 'example' ? examplesDir : userDir, e.id, e.source));
  const end = page.offset + slice.length;
  return { items, userDir: resolve(userDir), total: all.length, offset: page.offset, nextOffset: end < all.length ? end : null };
}

/** `scenario.open`: the text of one file (a regular file of at most MAX_FILE_BYTES). */
export async function openScenario(examplesDir: string, userDir: string, req: z.output<typeof ScenarioOpenRequest>): Promise<z.input<typeof ScenarioOpenResponse>> {
  const file = fileInDir(req.source === 'example' ? examplesDir : userDir, req.id);
  const r = await readRegularFile(file, MAX_FILE_BYTES);
  if (!r.ok) throw new Error(r.reason === 'no such file' ? `id: no ${req.source} scenario ${JSON.stringify(req.id)}` : `id: scenario ${req.id}: ${r.reason}`);
  return { source: req.source, id: req.id, text: r.text };
}

/** `scenario.save`: writes `<userDir>/<id>.json` atomically (temp file + rename). The text must be a JSON object. */
export function saveScenario(userDir: string, req: z.output<typeof ScenarioSaveRequest>): z.input<typeof ScenarioSaveResponse> {
  const file = fileInDir(userDir, req.id);
  // a scenario document is a JSON object (a byte-order mark is accepted): `1`, `[]` or `"x"` are refused
  const doc = parseJsonText(req.text, 'text');
  if (!doc.ok) throw new Error(`text: expected JSON, ${doc.reason.replace(/^text: /, '')}`);
  const v = doc.value;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new Error(`text: expected a scenario document (a JSON object), found ${v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`}`);
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
