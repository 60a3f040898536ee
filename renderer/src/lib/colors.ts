/**
 * One colour per protection, the same in every chart and every campaign: the catalogue's
 * protections (and common combinations) have fixed slots of a 12-colour qualitative palette
 * (Tableau 10 plus two), any other id gets a slot from a hash of its name.
 */

/** The palette (CSS hex colours). */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#6b6b6b', '#17becf', '#2f2f8f'] as const;

/** Fixed slots: protection id -> palette index. */
const FIXED: Readonly<Record<string, number>> = {
  relu: 9, ranger: 0, clipact: 1, fitact: 2, proact: 3, saf: 4, 'proact+saf': 5, ecc: 6, ptq: 7, qat: 8, saq: 10, 'ptq+ecc': 11,
};

/** The colour of a protection id (e.g. "relu", "proact+saf"). */
export function protectionColor(id: string): string {
  if (Object.hasOwn(FIXED, id)) return PALETTE[FIXED[id]];
  let h = 0;
  for (const ch of id) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

/** A Plot colour scale for these protection ids: fixed colours, legend off (the view draws one). */
export function protectionScale(ids: readonly string[]): { domain: string[]; range: string[] } {
  const domain = [...new Set(ids)];
  return { domain, range: domain.map(protectionColor) };
}
