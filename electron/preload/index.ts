/**
 * Preload (sandboxed, CommonJS bundle): exposes exactly one object, `window.faultline`, implementing
 * the contract's FaultlineBridge over three fixed ipc channels. No other Electron API reaches the page.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { FaultlineBridge } from '../../ipc/contract';
import { ELECTRON_CANCEL, ELECTRON_INVOKE, ELECTRON_PUSH, type PushEnvelope } from '../../ipc/wire';

const listeners = new Map<string, Set<(payload: unknown) => void>>();
let counter = 0;

ipcRenderer.on(ELECTRON_PUSH, (_event, push: PushEnvelope) => {
  const set = listeners.get(push?.channel);
  if (set) for (const l of set) l(push.payload);
});

const bridge: FaultlineBridge = {
  invoke(channel, payload, options) {
    const id = options?.id ?? `e${++counter}`;
    return ipcRenderer.invoke(ELECTRON_INVOKE, { id, channel, payload: payload ?? {} });
  },
  cancel(id) {
    ipcRenderer.send(ELECTRON_CANCEL, { id: String(id) });
  },
  on(channel, listener) {
    const name = String(channel);
    const l = listener as (payload: unknown) => void;
    let set = listeners.get(name);
    if (!set) listeners.set(name, (set = new Set()));
    set.add(l);
    return () => {
      set.delete(l);
    };
  },
};

contextBridge.exposeInMainWorld('faultline', bridge);
