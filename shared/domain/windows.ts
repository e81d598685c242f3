/**
 * The console's areas that can leave the main window for a window of their own (on another display): the page
 * is the console's own, with the area as its hash. The Electron shell allows exactly these new windows, and the
 * renderer draws only that area in them.
 */
export const POP_OUT_AREAS = ['wall', 'map', 'queue'] as const;
export type PopOutArea = (typeof POP_OUT_AREAS)[number];

/** The area a page's hash names (`#wall`, `#map`, `#queue`), or undefined for the console window itself. */
export function popOutAreaOf(hash: string): PopOutArea | undefined {
  return POP_OUT_AREAS.find((a) => `#${a}` === hash);
}
