/**
 * The reports feature's public face (issue 19): the top bar's button (Alt+B) with the reports view it opens, and
 * the live shift board on the console.
 */
export { ReportsButton } from './ReportsButton';
export { ShiftBoardStrip } from './ShiftBoard';
export { openReports, closeReports } from './store';
