/** A failure returned as a value: `reason` is a human-readable message naming the field and what was expected. */
export interface Failure {
  readonly ok: false;
  /** Human-readable reason, e.g. "rows: expected an integer in 1..256, found 300". */
  readonly reason: string;
  /** Dotted path of the offending field, when one field is at fault. */
  readonly path?: string;
}
/** A success carrying a value. */
export interface Success<T> {
  readonly ok: true;
  readonly value: T;
}
/** Result of an operation that may fail in a way the caller must handle. */
export type Result<T> = Success<T> | Failure;

/** Wraps a value as a success. */
export const ok = <T>(value: T): Success<T> => ({ ok: true, value });
/** Builds a failure with a reason and optional field path. */
export const fail = (reason: string, path?: string): Failure =>
  path === undefined ? { ok: false, reason } : { ok: false, reason, path };
