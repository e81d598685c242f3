/**
 * The training feature's public face (issue 18): the training records and certificates view, opened from the
 * operator menu, and the words of a certificate kind for a refusal that names one.
 */
export { TrainingDialog } from './TrainingDialog';
export { openTraining, closeTraining } from './store';
