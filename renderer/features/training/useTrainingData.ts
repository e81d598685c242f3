import { useCallback, useEffect, useState } from 'react';
import type { TrainingList } from '../../../shared/contract';
import { useClient } from '../../api/client';
import { useCall } from '../../ui/useCall';

/** The list while the view is open, read again whenever the core says it changed. */
export function useTrainingData(open: boolean): { data: TrainingList | null; reload(): void } {
  const client = useClient();
  const { run } = useCall('notice');
  const [data, setData] = useState<TrainingList | null>(null);
  const reload = useCallback(() => {
    void run(async () => setData(await client.call('training.list')));
  }, [client, run]);
  useEffect(() => {
    if (!open) return;
    reload();
    return client.on('training.changed', () => reload());
  }, [open, client, reload]);
  return { data, reload };
}
