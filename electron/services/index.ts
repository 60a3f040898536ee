/**
 * The main-process services: one plain async function per contract channel. Both the Electron main
 * process and the web shell serve exactly this handler map through `createConnection` (dispatch.ts).
 */
import { CHANNELS, PUSHES } from '../../ipc/contract';
import type { PushEnvelope } from '../../ipc/wire';
import { importModel, listAllModels } from './models';
import { listScenarios } from '../../scenarios/io/catalog';
import { createConnection, type Connection, type HandlersFor } from './dispatch';
import { SIM_CORE_VERSION } from './version';
import { protectionsFor } from './protections';
import { weightsDirOf } from './paths';
import { resolve } from 'node:path';
import { createSimHost, workerFile, type SimHost } from './sim/host';
import { campaignsDirOf, childOf, listCampaigns, loadRun } from './campaigns';
import { dirname, join } from 'node:path';
import { defaultUserScenariosDir, listAll, openScenario, saveScenario, validateText } from './scenario-files';

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
  /** Directory where `scenario.save` writes (default: defaultUserScenariosDir()). */
  readonly userScenariosDir?: string;
  /** Repository root holding electron/services/sim/worker.mjs (default: two levels above scenariosDir). */
  readonly appRoot?: string;
}

const hosts = new Map<string, SimHost>();

/** The simulation worker host for an app root (one per process and root, started lazily). */
function simHostFor(config: ServiceConfig): SimHost {
  const root = config.appRoot ?? resolve(config.scenariosDir, '..', '..');
  let h = hosts.get(root);
  if (!h) {
    h = createSimHost(workerFile(root));
    hosts.set(root, h);
  }
  return h;
}

/** Stops every simulation worker of this process (shell shutdown, tests). */
export async function closeSimWorkers(): Promise<void> {
  const all = [...hosts.values()];
  hosts.clear();
  await Promise.all(all.map((h) => h.close()));
}

/** Builds the handler for every channel of the contract. */
export function createServices(config: ServiceConfig): HandlersFor<typeof CHANNELS> {
  const userDir = config.userScenariosDir ?? defaultUserScenariosDir();
  const sim = (): SimHost => simHostFor(config);
  const root = config.appRoot ?? resolve(config.scenariosDir, '..', '..');
  const campaignOut = join(dirname(resolve(userDir)), 'campaigns');
  return {
    'app.version': () => ({
      app: config.appVersion,
      simCore: SIM_CORE_VERSION,
      shell: config.shell,
      electron: config.electronVersion,
      node: config.nodeVersion,
    }),
    'catalog.models': () => listAllModels(),
    'model.import': (req) => importModel(req),
    'catalog.scenarios': () =>
      listScenarios(config.scenariosDir).map((s) => ({ id: s.id, name: s.name, description: s.description })),
    'catalog.protections': (req) => protectionsFor(req.model, join(weightsDirOf(root), 'protected')),
    'sim.cycles': (req, ctx) => sim().call('cycles', req, ctx.signal) as never,
    'sim.run': (req, ctx) =>
      sim().call('run', { request: req, runId: `${ctx.id}-${Date.now().toString(36)}` }, ctx.signal, (done, total, message) =>
        ctx.push('job.progress', { id: ctx.id, done, total, message }),
      ) as never,
    'sim.inspect': (req, ctx) => sim().call('inspect', req, ctx.signal) as never,
    'data.images': (req, ctx) => sim().call('images', req, ctx.signal) as never,
    'scenario.list': (req) => listAll(config.scenariosDir, userDir, req),
    'scenario.open': (req) => openScenario(config.scenariosDir, userDir, req),
    'scenario.save': (req) => saveScenario(userDir, req),
    'scenario.validate': (req) => validateText(req),
    'campaign.list': () => listCampaigns(campaignsDirOf(root), campaignOut),
    'campaign.load': (req) => loadRun(campaignOut, req.run),
    'campaign.run': async (req, ctx) => {
      const file = `${childOf(campaignsDirOf(root), req.id)}.json`;
      const run = `${req.id}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      const summary = await sim().call(
        'campaign', { file, outDir: childOf(campaignOut, run), trialsPerPoint: req.trialsPerPoint, images: req.images }, ctx.signal,
        (done, total, message) => ctx.push('job.progress', { id: ctx.id, done, total, message }),
      );
      return { run, summary } as never;
    },
    'campaign.avf': async (req, ctx) => {
      const run = `avf-${req.model.replace(/[^A-Za-z0-9_.-]/g, '_')}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      const summary = await sim().call('campaign', { avf: req, outDir: childOf(campaignOut, run) }, ctx.signal,
        (done, total, message) => ctx.push('job.progress', { id: ctx.id, done, total, message }));
      return { run, summary } as never;
    },
  };
}

/** Opens a connection for one client serving the real contract; `send` delivers its push events. */
export function connectServices(config: ServiceConfig, send: (push: PushEnvelope) => void): Connection {
  return createConnection(CHANNELS, createServices(config), send, PUSHES);
}
