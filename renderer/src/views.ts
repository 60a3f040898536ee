/** The app's views, in navigation order. Ids double as URL hashes (#/accelerator). */
import type { Component } from 'svelte';
import Accelerator from './views/Accelerator.svelte';
import Scenarios from './views/Scenarios.svelte';
import Propagation from './views/Propagation.svelte';
import Comparison from './views/Comparison.svelte';
import Demo from './views/Demo.svelte';

/** One navigable view. */
export interface ViewDef {
  readonly id: string;
  readonly label: string;
  readonly component: Component;
}

/** All views, default first. */
export const VIEWS: readonly ViewDef[] = [
  { id: 'accelerator', label: 'Accelerator', component: Accelerator },
  { id: 'scenarios', label: 'Scenarios', component: Scenarios },
  { id: 'propagation', label: 'Propagation', component: Propagation },
  { id: 'comparison', label: 'Comparison', component: Comparison },
  { id: 'demo', label: 'Demo', component: Demo },
];

/** The view id named by a location hash such as "#/scenarios"; the default view when unknown. */
export function viewFromHash(hash: string): string {
  const id = hash.replace(/^#\/?/, '');
  return VIEWS.some((v) => v.id === id) ? id : VIEWS[0].id;
}
