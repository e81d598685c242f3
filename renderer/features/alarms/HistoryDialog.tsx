import { Box, Button, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlarmFilter, AlarmView } from '../../../shared/contract';
import type { AlarmType } from '../../../shared/domain/alarm';
import { useClient } from '../../api/client';
import { useStore } from '../../api/store';
import { type DialogHandle, ToolDialog } from '../../ui/dialogs';
import { dayStamp, saveCsv } from '../../ui/download';
import { TextInput } from '../../ui/fields';
import { formatClock, useText } from '../../ui/hooks';
import { useNotify } from '../../ui/notify';
import { useCall } from '../../ui/useCall';
import { useSystem, ZoneSelect } from '../system';
import { TypeFilter } from './filters';

/** Resolved alarms, newest first, filtered on the core (keyset pages), with CSV export. */
export function HistoryDialog(props: DialogHandle) {
  const { t } = useTranslation();
  const client = useClient();
  const site = useStore(useSystem().site);
  const text = useText();
  const notify = useNotify();
  const { run } = useCall('notice');
  const [type, setType] = useState<AlarmType | ''>('');
  const [zone, setZone] = useState('');
  const [search, setSearch] = useState('');
  const [rows, setRows] = useState<AlarmView[]>([]);
  const [more, setMore] = useState(false);

  const filter = useCallback(
    (): AlarmFilter => ({
      includeDrills: false,
      ...(type ? { types: [type] } : {}),
      ...(zone ? { zones: [zone] } : {}),
      ...(search.trim() ? { search: search.trim() } : {}),
    }),
    [type, zone, search],
  );

  const loadMore = useCallback(
    async (last?: AlarmView) => {
      const page = await run(() =>
        client.call('alarms.history', {
          filter: filter(),
          limit: 100,
          ...(last?.resolvedAt ? { before: { resolvedAt: last.resolvedAt, id: last.id } } : {}),
        }),
      );
      if (!page) return;
      setRows((prev) => [...prev, ...page.alarms]);
      setMore(page.more);
    },
    [run, client, filter],
  );

  // Refetch the first page when the dialog opens or a filter changes.
  useEffect(() => {
    if (!props.open) return undefined;
    let cancelled = false;
    void client.invoke('alarms.history', { filter: filter(), limit: 100 }).then((page) => {
      if (cancelled || !page.ok) return;
      setRows(page.value.alarms);
      setMore(page.value.more);
    });
    return () => {
      cancelled = true;
    };
  }, [props.open, client, filter]);

  const exportCsv = async () => {
    const result = await run(() => client.call('alarms.exportCsv', { filter: filter(), limit: 100 }));
    if (!result) return;
    saveCsv(`alarms-${dayStamp()}.csv`, result.csv);
    notify({ level: 'info', code: 'csv', message: t('alarms.exported', { rows: result.rows }) });
  };

  return (
    <ToolDialog
      {...props}
      maxWidth="lg"
      testId="history-dialog"
      title={t('alarms.historyTitle')}
      closeLabel={null}
      contentSx={{}}
    >
      <Box sx={{ display: 'flex', gap: 1, mb: 1 }}>
        <TextInput placeholder={t('alarms.search')} value={search} onChange={setSearch} sx={{ flex: 2 }} />
        <TypeFilter value={type} onChange={setType} />
        <ZoneSelect size="small" value={zone} onChange={setZone} />
        <Button variant="outlined" onClick={() => void exportCsv()} data-testid="history-export">
          {t('alarms.exportCsv')}
        </Button>
      </Box>
      {rows.length === 0 ? (
        <Typography color="text.secondary">{t('alarms.noHistory')}</Typography>
      ) : (
        <Table size="small" stickyHeader>
          <TableHead>
            <TableRow>
              <TableCell>{t('alarms.when')}</TableCell>
              <TableCell>P</TableCell>
              <TableCell>{t('alarms.allTypes')}</TableCell>
              <TableCell>{t('alarms.where')}</TableCell>
              <TableCell>{t('alarms.disposition')}</TableCell>
              <TableCell>{t('alarms.noteOnly')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((a) => (
              <TableRow key={a.id} data-testid="history-row" data-alarm-id={a.id}>
                <TableCell>
                  {dayStamp(a.receivedAt)} {formatClock(a.receivedAt)}
                </TableCell>
                <TableCell>P{a.priority}</TableCell>
                <TableCell>{t(`alarmType.${a.type}`)}</TableCell>
                <TableCell>{text(site?.zones.find((z) => z.id === a.zone)?.name) || a.zone}</TableCell>
                <TableCell>{a.disposition ? t(`disposition.${a.disposition}`) : ''}</TableCell>
                <TableCell>
                  {a.resolutionNote} — {a.resolvedBy}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {more && (
        <Button onClick={() => void loadMore(rows.at(-1))} sx={{ mt: 1 }}>
          {t('alarms.loadMore')}
        </Button>
      )}
    </ToolDialog>
  );
}
