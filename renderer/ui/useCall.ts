import type { TFunction } from 'i18next';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ContractCallError } from '../../shared/contract';
import { i18next } from './i18n';
import { useNotify } from './notify';

/**
 * A refused or failed call in the operator's language: the refusal's own sentence when the core gave a reason the
 * console can word, else (in English) the core's sentence as the detail.
 */
export function callErrorText(t: TFunction, err: unknown): string {
  // The core's own message is English: in another language it would be a sentence of the wrong script, so
  // there the refusal is said by its code alone (the message is in the core's log).
  const english = i18next.language === 'en';
  if (err instanceof ContractCallError) {
    const what = t(`call.code.${err.code}`);
    if (err.reason) {
      const params: Record<string, string | number> = { ...err.params };
      if (err.reason === 'role_needed') params.role = t(`duty.role_${String(params.role)}`);
      if (err.reason === 'plate_invalid') params.error = t(`vehicles.plateError.${String(params.error)}`);
      if (err.reason === 'certificate_expired' || err.reason === 'certificate_missing')
        params.kind = t(`training.kind.${String(params.kind)}`);
      return t('call.failed', { what, detail: t(`call.reason.${err.reason}`, params) });
    }
    return english ? t('call.failed', { what, detail: err.message }) : what;
  }
  const what = t('call.unexpected');
  return english
    ? t('call.failed', { what, detail: err instanceof Error ? err.message : String(err) })
    : what;
}

export interface Call {
  /** Runs a client call; on a refusal it reports the error and resolves to undefined, never throws. */
  run<T>(call: () => Promise<T>): Promise<T | undefined>;
  /** The same for a call whose answer is not needed: whether it went through. */
  succeeds(call: () => Promise<unknown>): Promise<boolean>;
  /** A call is running. */
  busy: boolean;
  /** The last refusal, ready to show (empty when the last call went through). */
  error: string;
  /** Shows a problem found before calling (two passwords that differ). */
  fail(message: string): void;
  clear(): void;
}

/**
 * The one way the console runs a call the operator asked for. `inline`: the caller shows `error` next to
 * what was asked (a dialog's form); `notice`: the refusal goes to the notice bar (a key press in the queue,
 * a button in a panel), so it is never silent.
 */
export function useCall(report: 'inline' | 'notice' = 'inline'): Call {
  const { t } = useTranslation();
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const run = useCallback(
    async <T>(call: () => Promise<T>): Promise<T | undefined> => {
      setBusy(true);
      setError('');
      try {
        return await call();
      } catch (err) {
        const message = callErrorText(t, err);
        if (report === 'notice')
          notify({
            level: 'error',
            code: err instanceof ContractCallError ? err.code : 'call',
            message,
          });
        else setError(message);
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [t, notify, report],
  );
  const succeeds = useCallback(
    async (call: () => Promise<unknown>) =>
      (await run(async () => {
        await call();
        return true;
      })) === true,
    [run],
  );
  const clear = useCallback(() => setError(''), []);
  return useMemo(
    () => ({ run, succeeds, busy, error, fail: setError, clear }),
    [run, succeeds, busy, error, clear],
  );
}
