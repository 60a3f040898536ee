/**
 * Version information served on `app.version`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Version of the simulator core's API and numerics (sim/). Bump when results of the same inputs change.
 * TODO(integrator): move to a `sim/version.ts` constant once the sim owner adds one; this module then re-exports it.
 */
export const SIM_CORE_VERSION = '0.1.0';

/** Application version: the `version` field of `<root>/package.json` (semver); "unknown" if unreadable. */
export function readAppVersion(root: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
