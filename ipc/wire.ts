/**
 * Transport-level constants and envelope types shared by the Electron bridge and the web shell.
 * Deliberately free of runtime imports (no zod) so the sandboxed preload can bundle it cheaply.
 * The per-channel payload schemas live in ipc/contract.ts.
 */

/** Electron ipcMain.handle channel carrying every request envelope. */
export const ELECTRON_INVOKE = 'faultline:invoke';
/** Electron ipcMain.on channel carrying cancellations ({ id }). */
export const ELECTRON_CANCEL = 'faultline:cancel';
/** Electron webContents.send channel carrying every push envelope. */
export const ELECTRON_PUSH = 'faultline:push';

/** Path of the web shell's WebSocket endpoint. */
export const WS_PATH = '/ws';
/** Name of the query parameter (page URL and WebSocket URL) carrying the per-launch token. */
export const TOKEN_PARAM = 'token';
/** Name of the cookie the web shell sets after a valid page load (lets assets and reloads through). */
export const TOKEN_COOKIE = 'faultline_token';

/**
 * Largest accepted request payload, in bytes of its UTF-8 JSON encoding (1 MiB).
 * Larger payloads get a `too-large` error reply; bulk data (weights, tensors) travels by file path.
 */
export const MAX_PAYLOAD_BYTES = 1_048_576;

/** Error codes of a failed reply. `cancelled` is returned when the caller cancelled the request. */
export type IpcErrorCode = 'bad-request' | 'unknown-channel' | 'too-large' | 'internal' | 'cancelled';

/** A typed error: machine-readable code plus a human-readable message naming the field at fault. */
export interface IpcError {
  readonly code: IpcErrorCode;
  readonly message: string;
}

/** Reply to one request: never a thrown exception, always one of these two shapes. */
export type Reply<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: IpcError };

/** A request as it crosses the process / socket boundary. `id` is chosen by the caller, unique per connection. */
export interface InvokeEnvelope {
  readonly id: string;
  readonly channel: string;
  readonly payload: unknown;
}

/** A push event (progress, log line, state change) as it crosses the boundary. */
export interface PushEnvelope {
  readonly channel: string;
  readonly payload: unknown;
}

/** Messages the web-shell client sends over the WebSocket. */
export type ClientMessage =
  | ({ readonly type: 'invoke' } & InvokeEnvelope)
  | { readonly type: 'cancel'; readonly id: string };

/** Messages the web shell sends over the WebSocket. */
export type ServerMessage =
  | { readonly type: 'reply'; readonly id: string; readonly reply: Reply<unknown> }
  | ({ readonly type: 'push' } & PushEnvelope);

/** Builds an error reply. */
export function errorReply(code: IpcErrorCode, message: string): Reply<never> {
  return { ok: false, error: { code, message } };
}

/** Size in bytes of the UTF-8 JSON encoding of `value` (undefined counts as 0); Infinity if it cannot be encoded. */
export function jsonBytes(value: unknown): number {
  if (value === undefined) return 0;
  try {
    const text = JSON.stringify(value);
    return text === undefined ? 0 : new TextEncoder().encode(text).length;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
