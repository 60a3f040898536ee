/**
 * The main-process services: one plain async function per contract channel. Both the Electron main
 * process and the web shell serve exactly this handler map through `createConnection` (dispatch.ts).
 */
import { CHANNELS, PUSHES } from '../../ipc/contract';
import type { PushEnvelope } from '../../ipc/wire';
import { listModels } from '../../models/registry';
import { listScenarios } from '../../scenarios/io/catalog';
import { createConnection, type Connection, type HandlersFor } from './dispatch';
import { SIM_CORE_VERSION } from './version';

/** Where and how the services run; chosen by the shell that hosts them. */
export interface ServiceConfig {
  /** Which shell hosts the services. */
  readonly shell: 'electron' | 'web';
  /** Application version (package.json `version`; see `readAppVersion`). */
  readonly appVersion: string;
  /** Directory of the example scenario files (absolute path). */
  readonly scenariosDir: string;
  /** Electron version (process.versions.electron), or null in the web shell. */
  readonly electronVersion: string | null;
  /** Node.js version of this process. */
  readonly nodeVersion: string;
}

/** Builds the handler for every channel of the contract. */
export function createServices(config: ServiceConfig): HandlersFor<typeof CHANNELS> {
  return {
    'app.version': () => ({
      app: config.appVersion,
      simCore: SIM_CORE_VERSION,
      shell: config.shell,
      electron: config.electronVersion,
      node: config.nodeVersion,
    }),
    'catalog.models': () =>
      listModels().map((m) => ({ id: m.id, name: m.name, dataset: m.dataset, trained: m.trained, description: m.description })),
    'catalog.scenarios': () =>
      listScenarios(config.scenariosDir).map((s) => ({ id: s.id, name: s.name, description: s.description })),
  };
}

/** Opens a connection for one client serving the real contract; `send` delivers its push events. */
export function connectServices(config: ServiceConfig, send: (push: PushEnvelope) => void): Connection {
  return createConnection(CHANNELS, createServices(config), send, PUSHES);
}
