/** The operators feature's public face: who works this console, sign-in, the lock, accounts. */
export { createOperatorsStore, OperatorsContext, useOperators, type OperatorsStore } from './store';
export { CredentialDialog, CredentialFields, NO_CREDENTIALS, type Credentials } from './CredentialFields';
export { LockScreen, useIdleLock } from './LockScreen';
export { OperatorsDialog } from './OperatorsDialog';
export { SignIn } from './SignIn';
export { useHasRole } from './useHasRole';
