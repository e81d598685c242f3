import { createTheme } from '@mui/material/styles';

/**
 * For a dim room watched all night: near-black surfaces, no pure white, large type for status, and
 * reserved colours — red only for priority-1 and faults, amber for warnings, green for healthy links.
 */
export const theme = createTheme({
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
  typography: {
    fontFamily: '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", system-ui, sans-serif',
    fontSize: 15,
    h6: { fontSize: '1.05rem', fontWeight: 600 },
  },
  shape: { borderRadius: 6 },
  components: {
    // Keyboard focus shows on everything, in a colour no status uses, thick enough to see across a dim room.
    MuiCssBaseline: {
      styleOverrides: { '*:focus-visible': { outline: '3px solid #ffd54f', outlineOffset: 2 } },
    },
    MuiPaper: { styleOverrides: { root: { backgroundImage: 'none' } } },
    MuiChip: { styleOverrides: { label: { fontWeight: 600 } } },
  },
});

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
