/**
 * Transport-independent request dispatcher: validates an incoming envelope (shape, channel, size,
 * payload schema), runs the channel's handler, validates its response, and always resolves to a typed
 * `Reply` — it never throws and never rejects. One `Connection` per renderer (Electron webContents or
 * WebSocket) so request ids, pushes and cancellation stay per client.
 */
import type { z } from 'zod';
import { parseRequest, parseResponse, formatIssues, type ContractDef, type PushDef } from '../../ipc/contract';
import { errorReply, type PushEnvelope, type Reply } from '../../ipc/wire';

/** What a handler gets besides its validated request. */
export interface CallContext {
  /** The caller's request id (use it as `id` in `job.progress` pushes). */
  readonly id: string;
  /** Aborted when the caller cancels or disconnects; long handlers must check it. */
  readonly signal: AbortSignal;
  /** Sends a push event to this caller only; the payload is validated against the push schema (throws if invalid). */
  push(channel: string, payload: unknown): void;
}

/** A handler for one channel: validated request in, response (validated afterwards) out. */
export type Handler<Req, Res> = (request: Req, ctx: CallContext) => Res | Promise<Res>;

/** The handler map for contract `D`: exactly one handler per channel, typed from the schemas. */
export type HandlersFor<D extends ContractDef> = {
  readonly [C in keyof D]: Handler<z.output<D[C]['request']>, z.input<D[C]['response']>>;
};

/** One client's view of the dispatcher. */
export interface Connection {
  /** Handles one raw envelope `{ id, channel, payload }`; resolves to the reply (never rejects). */
  invoke(envelope: unknown): Promise<Reply<unknown>>;
  /** Cancels the in-flight request `id`; false when no such request is running. */
  cancel(id: string): boolean;
  /** Cancels everything in flight (client went away). */
  close(): void;
  /** Number of requests currently running. */
  inFlight(): number;
}

/** Longest accepted request id, in characters. */
export const MAX_ID_LENGTH = 128;

/**
 * Creates a connection serving contract `def` with `handlers`; `send` delivers push envelopes to this
 * client; `pushes` (optional) validates push payloads.
 */
export function createConnection<D extends ContractDef>(
  def: D,
  handlers: HandlersFor<D>,
  send: (push: PushEnvelope) => void,
  pushes: PushDef = {},
): Connection {
  const running = new Map<string, AbortController>();

  async function invoke(envelope: unknown): Promise<Reply<unknown>> {
    if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
      return errorReply('bad-request', 'envelope: expected an object { id, channel, payload }');
    }
    const { id, channel, payload } = envelope as { id?: unknown; channel?: unknown; payload?: unknown };
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
      return errorReply('bad-request', `id: expected a string of 1..${MAX_ID_LENGTH} characters`);
    }
    if (running.has(id)) return errorReply('bad-request', `id: request ${JSON.stringify(id)} is already running`);
    const request = parseRequest(def, channel, payload);
    if (!request.ok) return request;
    const name = channel as keyof D & string;
    const controller = new AbortController();
    running.set(id, controller);
    const ctx: CallContext = {
      id,
      signal: controller.signal,
      push(pushChannel, pushPayload) {
        const schema = pushes[pushChannel];
        if (schema === undefined && Object.keys(pushes).length > 0) throw new Error(`unknown push channel ${pushChannel}`);
        const parsed = schema ? schema.safeParse(pushPayload) : { success: true as const, data: pushPayload };
        if (!parsed.success) throw new Error(`push ${pushChannel}: ${formatIssues(parsed.error)}`);
        if (!controller.signal.aborted) send({ channel: pushChannel, payload: parsed.data });
      },
    };
    try {
      const handler = handlers[name] as Handler<unknown, unknown>;
      const cancelled = new Promise<'cancelled'>((resolve) =>
        controller.signal.addEventListener('abort', () => resolve('cancelled'), { once: true }),
      );
      const result = await Promise.race([Promise.resolve(handler(request.value, ctx)), cancelled]);
      if (result === 'cancelled' && controller.signal.aborted) return errorReply('cancelled', `${name}: cancelled by the caller`);
      return parseResponse(def, name, result);
    } catch (e) {
      if (controller.signal.aborted) return errorReply('cancelled', `${name}: cancelled by the caller`);
      // a user mistake (electron/services/sim/errors.ts RequestError, code 'bad-request') is not a bug in main
      const code = typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'bad-request' ? 'bad-request' : 'internal';
      return errorReply(code, `${name}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      running.delete(id);
    }
  }

  return {
    invoke,
    cancel(id) {
      const c = running.get(id);
      if (!c) return false;
      c.abort();
      return true;
    },
    close() {
      for (const c of running.values()) c.abort();
    },
    inFlight: () => running.size,
  };
}
