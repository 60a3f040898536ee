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
/**
 * Name of the per-launch token: the key in the page URL's fragment (`/#token=…`, never sent to the
 * server), and the WebSocket URL's query parameter accepted from non-browser clients.
 */
export const TOKEN_PARAM = 'token';
/**
 * Former cookie name. The web shell sets no cookie any more (cookies ignore ports, so every other
 * server on 127.0.0.1 would receive it); kept only so old imports compile.
 * @deprecated
 */
export const TOKEN_COOKIE = 'faultline_token';
/** WebSocket subprotocol the web shell speaks (the one it selects in its handshake reply). */
export const WS_PROTOCOL = 'faultline.v1';
/** Prefix of the second WebSocket subprotocol a browser offers: `faultline.token.<token>` carries the token. */
export const WS_TOKEN_PROTOCOL_PREFIX = 'faultline.token.';
/** sessionStorage key where the web page keeps the token (per tab and per origin, i.e. per port). */
export const TOKEN_STORAGE_KEY = 'faultline.token';

/**
 * Largest accepted request payload, in bytes of its UTF-8 JSON encoding (1 MiB).
 * Larger payloads get a `too-large` error reply; bulk data (weights, tensors) travels by file path.
 */
export const MAX_PAYLOAD_BYTES = 1_048_576;

/**
 * Error codes of a failed reply. `cancelled` is returned when the caller cancelled the request;
 * `busy` when the connection already has the most requests in flight the shell accepts.
 */
export type IpcErrorCode = 'bad-request' | 'unknown-channel' | 'too-large' | 'internal' | 'cancelled' | 'busy';

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
