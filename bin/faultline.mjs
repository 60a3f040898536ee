#!/usr/bin/env node
// Entry point of the `faultline` command: registers tsx's ESM loader in-process and runs the
// TypeScript CLI (cli/index.ts), so `npx faultline ...` works right after `npm install`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/index.ts');
process.exitCode = await main(process.argv);
