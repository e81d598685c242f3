/**
 * The vehicles feature's public face (issue 17): the gate desk (plate reads, the cars waiting for a decision,
 * visitors, resident records) and its top-bar button.
 */
export { GateButton, GateDesk } from './GateDesk';
