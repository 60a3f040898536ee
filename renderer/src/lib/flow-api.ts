/** What the designer view uses from the Svelte Flow instance (handed over by FlowHelper.svelte). */
export interface FlowApi {
  /** Fits and centres the whole graph in the pane (any zoom down to the flow's minimum). */
  fitView: () => Promise<boolean>;
  /** Fits the graph in a pane of `pane` px without going under the legible zoom
   * (designer-graph.ts legibleViewport), centred on the state `focus` when it does not fit. */
  fitLegible: (pane: { w: number; h: number }, focus: string | null) => Promise<boolean>;
  /** Maps a screen point (client px) to flow coordinates. */
  toFlow: (x: number, y: number) => { x: number; y: number };
}
