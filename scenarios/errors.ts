/**
 * Scenario validation errors: where (file, JSON path, line/column) and what (expected vs found).
 */
import type { Failure } from '../sim/result';

/** A line/column position in the scenario text, both 1-based. */
export interface TextPosition {
  /** Line, 1-based. */
  readonly line: number;
  /** Column, 1-based (UTF-16 code units). */
  readonly column: number;
}

/** One problem found in a scenario file. */
export interface ScenarioError {
  /** JSON path, e.g. `machine.states.burst.entry[0].params.bits[1]`; "" = the whole document. */
  readonly path: string;
  /** What is wrong, e.g. "bit position out of range". */
  readonly message: string;
  /** What was expected, e.g. "an integer in 0..31". */
  readonly expected?: string;
  /** What was found, e.g. "40". */
  readonly found?: string;
  /** Position of the offending value in the text, when known. */
  readonly position?: TextPosition;
}

/** Failure of scenario validation: `reason` is every error formatted, one per line. */
export interface ScenarioFailure extends Failure {
  readonly errors: readonly ScenarioError[];
}

/** Path segment: object key or array index. */
export type PathSegment = string | number;

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Formats path segments as a JSON path: keys dotted (quoted in brackets when not identifiers), indices in brackets. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (IDENT.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** Short printable form of a found value (JSON, truncated to 60 characters). */
export function describeValue(v: unknown): string {
  let s: string;
  if (v === undefined) s = 'nothing';
  else {
    try {
      s = JSON.stringify(v) ?? String(v);
    } catch {
      s = String(v);
    }
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** One-line message: `file:line:col: path: message (expected X, found Y)`. */
export function formatError(e: ScenarioError, file?: string): string {
  const where = [file, e.position ? `${e.position.line}:${e.position.column}` : undefined].filter(Boolean).join(':');
  const head = [where, e.path === '' ? '(document)' : e.path].filter(Boolean).join(': ');
  const detail = [e.expected !== undefined ? `expected ${e.expected}` : '', e.found !== undefined ? `found ${e.found}` : '']
    .filter(Boolean)
    .join(', ');
  return `${head}: ${e.message}${detail ? ` (${detail})` : ''}`;
}

/** Builds the failure value from a non-empty error list (positions looked up in `positions`). */
export function scenarioFailure(
  errors: readonly ScenarioError[],
  file?: string,
  positions?: ReadonlyMap<string, TextPosition>,
): ScenarioFailure {
  const located = errors.map((e) => (e.position || !positions ? e : withPosition(e, positions)));
  const reason = located.map((e) => formatError(e, file)).join('\n');
  const first = located[0];
  return first && first.path !== '' ? { ok: false, reason, path: first.path, errors: located } : { ok: false, reason, errors: located };
}

/** Attaches the position of the longest known prefix of the error's path. */
function withPosition(e: ScenarioError, positions: ReadonlyMap<string, TextPosition>): ScenarioError {
  let p = e.path;
  for (;;) {
    const pos = positions.get(p);
    if (pos) return { ...e, position: pos };
    if (p === '') return e;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut <= 0 ? '' : p.slice(0, cut);
  }
}
