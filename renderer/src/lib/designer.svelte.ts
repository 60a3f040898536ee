/** Designer state kept across navigation: the document, its file id, dirty flag, positions, errors. */
import type { z } from 'zod';
import type { ScenarioErrorItem } from '../../../ipc/scenario-schemas';
import { blankScenario, type Json } from './scenario-doc';

/** The designer's state (reactive). */
export const designer = $state({
  doc: blankScenario() as Json,
  /** File id used by Save (user scenarios directory). */
  id: 'my-scenario',
  dirty: false,
  selected: null as string | null,
  /** Node positions (px) by state name. */
  // Deliberately not reactive: the graph is rebuilt explicitly after edits and drags.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  positions: new Map<string, { x: number; y: number }>(),
  errors: [] as z.output<typeof ScenarioErrorItem>[],
});
