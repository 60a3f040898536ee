/**
 * Designer state kept across navigation: the document, its file id, dirty flag, positions, errors,
 * the undo / redo stacks (documents, newest last) and whether the shown document came from an
 * invalid file that has not been fixed yet (the graph is cleared and Save is disabled meanwhile).
 */
import type { z } from 'zod';
import type { ScenarioErrorItem } from '../../../ipc/scenario-schemas';
import { blankScenario, type Json } from './scenario-doc';

/** Most undo steps kept. */
export const UNDO_LIMIT = 200;

/** The designer's state (reactive). */
export const designer = $state({
  doc: blankScenario() as Json,
  /** File id used by Save (user scenarios directory). */
  id: 'my-scenario',
  dirty: false,
  selected: null as string | null,
  /** Node positions (px, relative to the containing compound / parallel state) by state path. */
  // Deliberately not reactive: the graph is rebuilt explicitly after edits and drags.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  positions: new Map<string, { x: number; y: number }>(),
  errors: [] as z.output<typeof ScenarioErrorItem>[],
  /** Documents before the current one (undo) and after it (redo). */
  past: [] as Json[],
  future: [] as Json[],
  /** Text of the JSON code panel (equals the document unless the user is typing invalid JSON). */
  text: '',
  /** Why the text cannot be shown as a graph (JSON syntax error or an invalid file just opened), or ''. */
  broken: '',
  /** The containers (states with child states) when the graph was last auto-laid out, joined by "|";
   * a change (a state made compound / parallel, its last child deleted) lays the graph out again. */
  layoutKey: '',
});

/** Replaces the document, recording the previous one for undo (clears redo). */
export function commit(next: Json): void {
  designer.past = [...designer.past.slice(-(UNDO_LIMIT - 1)), designer.doc];
  designer.future = [];
  designer.doc = next;
  designer.dirty = true;
}

/** Steps back one edit; returns false when there is nothing to undo. */
export function undo(): boolean {
  const prev = designer.past.at(-1);
  if (!prev) return false;
  designer.past = designer.past.slice(0, -1);
  designer.future = [...designer.future, designer.doc];
  designer.doc = prev;
  designer.dirty = true;
  return true;
}

/** Re-applies one undone edit; returns false when there is nothing to redo. */
export function redo(): boolean {
  const next = designer.future.at(-1);
  if (!next) return false;
  designer.future = designer.future.slice(0, -1);
  designer.past = [...designer.past, designer.doc];
  designer.doc = next;
  designer.dirty = true;
  return true;
}

/** Starts a fresh history with `doc` (after New / Open). */
export function resetHistory(doc: Json): void {
  designer.doc = doc;
  designer.past = [];
  designer.future = [];
  designer.dirty = false;
}

/** Window key handler of the designer: Ctrl+Z undoes, Ctrl+Shift+Z / Ctrl+Y redo (⌘ on macOS);
 * keys typed into a field are left alone. */
export function undoRedoKeys(e: KeyboardEvent): void {
  const t = e.target as HTMLElement;
  if (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable) return;
  const mod = e.ctrlKey || e.metaKey;
  if (mod && e.key.toLowerCase() === 'z' && !e.shiftKey) { e.preventDefault(); undo(); }
  else if (mod && (e.key.toLowerCase() === 'y' || (e.key.toLowerCase() === 'z' && e.shiftKey))) { e.preventDefault(); redo(); }
}
