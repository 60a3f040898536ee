/**
 * A user mistake in a simulation request (unknown model, scenario not valid for the array, image
 * out of range...): the IPC reply is `bad-request` with the message naming `field`, never
 * `internal`. It crosses the worker thread as `{ code: 'bad-request', field }` on the error message.
 */

/** IPC error code of a request mistake. */
export const BAD_REQUEST = 'bad-request';

/** An error the caller caused; `field` is the request field at fault (dotted path). */
export class RequestError extends Error {
  /** Always 'bad-request'. */
  readonly code = BAD_REQUEST;
  constructor(message: string, readonly field: string) {
    super(message);
    this.name = 'RequestError';
  }
}

/** True when `e` carries the bad-request code (a RequestError, or one rebuilt on the main thread). */
export function isBadRequest(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === BAD_REQUEST;
}
