/** What the designer view uses from the Svelte Flow instance (handed over by FlowHelper.svelte). */
export interface FlowApi {
  /** Fits and centres the whole graph in the pane. */
  fitView: () => Promise<boolean>;
  /** Maps a screen point (client px) to flow coordinates. */
  toFlow: (x: number, y: number) => { x: number; y: number };
}
