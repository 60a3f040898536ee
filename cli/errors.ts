/** Errors a CLI command raises to end with a message and an exit code (no stack trace shown). */

/** Exit code for bad input: unreadable or invalid files, bad options (sysexits-like usage error). */
export const EXIT_USAGE = 2;

/** A failure reported as `message` on stderr, ending the process with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    /** Process exit code (2 = bad input). */
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * Formats a located parse failure as `file:line: message` (`file: message` when line is 0),
 * dropping the "line N, " prefix the sim/ parsers put in their reasons.
 */
export function locate(file: string, line: number, reason: string): string {
  const msg = reason.replace(/^line \d+(?:, |: )/, '');
  return line > 0 ? `${file}:${line}: ${msg}` : `${file}: ${msg}`;
}
