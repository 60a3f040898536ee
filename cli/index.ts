/**
 * The `faultline` command-line program. Every file in cli/commands/ (except tests and files whose
 * name starts with "_") is a subcommand module exporting `register(program: Command): void`;
 * they are discovered at start-up, so adding a subcommand means adding one file.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { CliError, EXIT_USAGE } from './errors';

/** A subcommand module in cli/commands/. */
export interface CommandModule {
  /** Adds the subcommand (options, action) to the program. */
  register(program: Command): void;
}

const here = dirname(fileURLToPath(import.meta.url));

/** Names of the subcommand module files, sorted (deterministic help output). */
export function commandFiles(dir = join(here, 'commands')): string[] {
  return readdirSync(dir)
    .filter((f) => /\.(ts|mjs|js)$/.test(f) && !/\.(test|spec)\./.test(f) && !f.startsWith('_') && !f.endsWith('.d.ts'))
    .sort();
}

/** Builds the program with every discovered subcommand registered. */
export async function buildProgram(): Promise<Command> {
  const program = new Command('faultline')
    .description('Co-simulator for DNN accelerators under hardware faults')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError();
  for (const f of commandFiles()) {
    // One broken subcommand module must not take the others down: warn and go on.
    let mod: Partial<CommandModule>;
    try {
      mod = (await import(pathToFileURL(join(here, 'commands', f)).href)) as Partial<CommandModule>;
    } catch (e) {
      process.stderr.write(`faultline: warning: cli/commands/${f} failed to load: ${e instanceof Error ? e.message : String(e)}\n`);
      continue;
    }
    if (typeof mod.register !== 'function') {
      process.stderr.write(`faultline: warning: cli/commands/${f} exports no register(program)\n`);
      continue;
    }
    mod.register(program);
  }
  return program;
}

/**
 * Runs the program on `argv` (process.argv form) and returns the exit code: 0 on success,
 * 2 on bad input (message on stderr), 1 on an unexpected error.
 */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const program = await buildProgram();
    await program.parseAsync([...argv]);
    return 0;
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(`${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof CommanderError) {
      // help and version end with code 0; usage errors were already printed by commander
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    process.stderr.write(`faultline: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

// Run when executed directly (`tsx cli/index.ts ...`, the npm "faultline" script).
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv);
}
