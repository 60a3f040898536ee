/**
 * The import boundaries of eslint.config.js, checked with ESLint itself on virtual files: sim/ may not
 * import Node built-ins, electron, svelte, DOM globals or upper layers; renderer/ and ipc/ may not import
 * Node built-ins, electron or main-process code, but may import the contract.
 */
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals').map((m) => m.message);
}

describe('import boundaries', () => {
  it('sim/ refuses Node built-ins, electron, svelte, DOM globals and upper layers', async () => {
    for (const src of ["import { readFileSync } from 'fs';", "import { join } from 'node:path';", "import { Worker } from 'worker_threads';", "import { randomBytes } from 'crypto';", "import { app } from 'electron';", "import { mount } from 'svelte';", "import { WebSocket } from 'ws';", "import { listModels } from '../../models/registry';", "import { CHANNELS } from '../ipc/contract';"]) {
      expect(await restricted('sim/engine/probe.ts', src), src).toHaveLength(1);
    }
    expect(await restricted('sim/engine/probe.ts', 'export const w = window.innerWidth;')).toHaveLength(1);
  });

  it('sim/ may import its own modules and pure packages', async () => {
    expect(await restricted('sim/engine/probe.ts', "import { ok } from '../result';\nimport { z } from 'zod';\nimport { x } from './ws';")).toEqual([]);
  });

  it('renderer/ and ipc/ refuse Node built-ins, electron and main-process code', async () => {
    for (const file of ['renderer/src/probe.ts', 'ipc/probe.ts']) {
      for (const src of ["import fs from 'node:fs';", "import { spawn } from 'child_process';", "import { ipcRenderer } from 'electron';", "import { parseArraySpec } from '../../sim/array/spec';", "import { connectServices } from '../electron/services';"]) {
        expect(await restricted(file, src), `${file}: ${src}`).toHaveLength(1);
      }
    }
  });

  it('renderer/ may import the IPC contract', async () => {
    expect(await restricted('renderer/src/probe.ts', "import { CHANNELS } from '../../ipc/contract';")).toEqual([]);
  });
});
