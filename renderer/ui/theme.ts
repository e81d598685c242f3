import { createTheme } from '@mui/material/styles';
import type { Density } from '../../shared/contract';

/** How much each density scales type and controls against the 1080p design. */
export const DENSITY_SCALE: Record<Density, number> = { compact: 0.86, normal: 1, large: 1.18 };

/** A window smaller than this (CSS pixels) starts compact: the duty laptop and older 1366/1600 desks. */
const COMPACT_BELOW = { width: 1800, height: 1000 };

/** The density an operator who never chose one gets on a window of this size. */
export function defaultDensity(width: number, height: number): Density {
  return width < COMPACT_BELOW.width || height < COMPACT_BELOW.height ? 'compact' : 'normal';
}

/**
 * How much larger than at 1080p the window is. Above 1080p the console grows with it, so a 2560 or 3840 monitor
 * without the system's own scaling shows the same picture larger instead of 1080p-sized text in a corner.
 */
export function screenScale(width: number, height: number): number {
  return Math.min(2, Math.max(1, Math.min(width / 1920, height / 1080)));
}

/** The sizes a theme is drawn at: controls and body type follow the density, status figures never shrink. */
export interface ThemeScale {
  /** Type, spacing and controls. */
  ui: number;
  /** The root size that `rem` resolves against: clocks, counts and priority badges use it, so compact keeps them. */
  status: number;
}

export function themeScale(density: Density, width: number, height: number): ThemeScale {
  const screen = screenScale(width, height);
  const ui = screen * DENSITY_SCALE[density];
  return { ui, status: screen * Math.max(1, DENSITY_SCALE[density]) };
}

/**
 * For a dim room watched all night: near-black surfaces, no pure white, large type for status, and
 * reserved colours — red only for priority-1 and faults, amber for warnings, green for healthy links.
 */
export function createConsoleTheme(scale: ThemeScale = { ui: 1, status: 1 }) {
  const rootPx = 16 * scale.status;
  return createTheme({
    palette: {
      mode: 'dark',
      // WCAG AA (4.5:1) for the text on coloured buttons and chips: MUI picks dark text where white falls short.
      contrastThreshold: 4.5,
      background: { default: '#0b0f14', paper: '#121922' },
      primary: { main: '#5aa9e6' },
      secondary: { main: '#9aa7b4' },
      error: { main: '#ef5350', light: '#ff8a80' },
      warning: { main: '#ffb74d' },
      success: { main: '#66bb6a' },
      text: { primary: '#dbe3ea', secondary: '#8d9aa6' },
      divider: '#24303c',
    },
    // MUI turns its sizes into rem against htmlFontSize; the root is set to the same size below, so body type
    // comes out at 15 px × the density scale while raw rem values (status figures) follow the status scale.
    typography: {
      fontFamily:
        '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", system-ui, sans-serif',
      fontSize: 15 * scale.ui,
      htmlFontSize: rootPx,
      h6: { fontSize: `${(1.05 * 15 * scale.ui) / rootPx}rem`, fontWeight: 600 },
    },
    spacing: 8 * scale.ui,
    shape: { borderRadius: 6 },
    components: {
      // Keyboard focus shows on everything, in a colour no status uses, thick enough to see across a dim room.
      MuiCssBaseline: {
        styleOverrides: {
          // --ui-scale: for what MUI does not draw (the map's Leaflet controls, markers and tooltips).
          html: { fontSize: `${rootPx}px`, '--ui-scale': String(scale.ui) },
          '*:focus-visible': { outline: '3px solid #ffd54f', outlineOffset: 2 },
        },
      },
      MuiPaper: { styleOverrides: { root: { backgroundImage: 'none' } } },
      // MUI draws chips at a fixed pixel height; the label's own size decides here, so larger type stays inside.
      MuiChip: {
        styleOverrides: {
          root: { height: 'auto', minHeight: 32 * scale.ui },
          sizeSmall: { minHeight: 24 * scale.ui },
          label: { fontWeight: 600, paddingTop: 2 * scale.ui, paddingBottom: 2 * scale.ui },
        },
      },
      // A label that does not fit moves as a whole (the toolbars wrap), never one character per line.
      MuiButton: { styleOverrides: { root: { whiteSpace: 'nowrap', minWidth: 0 } } },
      MuiToggleButton: { styleOverrides: { root: { whiteSpace: 'nowrap' } } },
      // Filled alerts (the escalation and disaster banners) in colours chosen for their text: MUI darkens the main
      // colour for the background in dark mode but keeps the text picked for the main one, which left dark text on
      // dark red (axe: colour contrast, serious). Each pair is at least 5:1.
      MuiAlert: {
        variants: (
          [
            ['error', '#b71c1c', '#ffffff'],
            ['warning', '#ffb74d', '#0b0f14'],
            ['info', '#1565c0', '#ffffff'],
            ['success', '#2e7d32', '#ffffff'],
          ] as const
        ).map(([severity, backgroundColor, color]) => ({
          props: { variant: 'filled' as const, severity },
          style: { backgroundColor, color, '& .MuiAlert-icon': { color } },
        })),
      },
    },
  });
}

/** The theme at 1080p and normal density (tests and pop-outs before the operator's density is known). */
export const theme = createConsoleTheme();

/**
 * A shape per priority beside its label and colour, for operators who cannot tell the colours apart: the more
 * urgent, the more corners (▲ P1 … ○ P5).
 */
export const PRIORITY_SHAPES: Record<number, string> = { 1: '▲', 2: '◆', 3: '■', 4: '●', 5: '○' };

/** Priority band colours, shared by the queue, the map and the tiles. */
export const PRIORITY_COLOURS: Record<number, string> = {
  1: '#ef5350',
  2: '#ff8a50',
  3: '#ffb74d',
  4: '#5aa9e6',
  5: '#8d9aa6',
};
