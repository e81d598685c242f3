import { Box } from '@mui/material';
import { useLayoutEffect, useRef, type ReactNode } from 'react';

/**
 * One line of small things (chips) in a row of fixed height: those that do not fit wholly are hidden, never shown
 * cut in half, so the earlier — more telling — ones stay whole on a narrow pane. Hidden ones keep their place in
 * the document (`visibility`), so a screen reader and the row's own layout do not move.
 */
export function FitRow({ children, gap = 0.75 }: { children: ReactNode; gap?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const row = ref.current;
    if (!row) return;
    const fit = () => {
      const right = row.getBoundingClientRect().right;
      let full = false;
      for (const child of Array.from(row.children) as HTMLElement[]) {
        // Once one does not fit, none after it is shown: a later chip never stands in an earlier one's place.
        full ||= child.getBoundingClientRect().right > right + 0.5;
        child.style.visibility = full ? 'hidden' : '';
      }
    };
    fit();
    // jsdom (the renderer's unit tests) lays nothing out and has no ResizeObserver: nothing to fit there.
    if (typeof ResizeObserver === 'undefined') return;
    const sizes = new ResizeObserver(fit);
    sizes.observe(row);
    const changes = new MutationObserver(fit);
    changes.observe(row, { childList: true, subtree: true, characterData: true });
    return () => {
      sizes.disconnect();
      changes.disconnect();
    };
  }, []);
  return (
    <Box
      ref={ref}
      data-testid="fit-row"
      sx={{ display: 'flex', gap, minWidth: 0, overflow: 'hidden', '& > *': { flexShrink: 0 } }}
    >
      {children}
    </Box>
  );
}
