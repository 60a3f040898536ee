/** Comparison view state kept across navigation: the loaded campaign result. */
export const comparison = $state({ result: null as unknown });
