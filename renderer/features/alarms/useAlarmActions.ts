import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { Envelope } from '../../../shared/contract';
import { useConsole } from '../../api/console';

/** Runs an alarm action; a refusal becomes a notice the operator can read, never a silent failure. */
export function useAlarmActions() {
  const { t } = useTranslation();
  const model = useConsole();
  return useCallback(
    async <T>(run: () => Promise<Envelope<T>>): Promise<T | undefined> => {
      const result = await run();
      if (result.ok) return result.value;
      model.notices.set((prev) => [
        ...prev,
        {
          level: 'error',
          code: result.error.code,
          message: t('alarms.refused', { message: result.error.message }),
          at: Date.now(),
        },
      ]);
      return undefined;
    },
    [model, t],
  );
}
