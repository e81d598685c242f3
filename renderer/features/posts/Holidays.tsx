import { Box, Button, Chip, Table, TableBody, TableCell, TableRow, Typography } from '@mui/material';
import { useTranslation } from 'react-i18next';
import type { PostBoard } from '../../../shared/contract';
import { useClient } from '../../api/client';
import { ErrorAlert, InlineForm } from '../../ui/dialogs';
import { SelectInput, TextInput } from '../../ui/fields';
import { useForm } from '../../ui/form';
import { useCall } from '../../ui/useCall';
import { board as boardStore } from './store';

/**
 * The holiday calendar (节假日): holidays, and weekends made working days (调休上班), which decide the days the peaks
 * run. Everyone sees it; a supervisor adds, renames (the same date again) and removes dates.
 */
export function Holidays({ board, supervisor }: { board: PostBoard; supervisor: boolean }) {
  const { t } = useTranslation();
  const client = useClient();
  const call = useCall('inline');
  const form = useForm({ date: '', name: '', kind: 'holiday' as 'holiday' | 'workday' });
  const save = async () => {
    const b = await call.run(() =>
      client.call('holidays.save', {
        date: form.values.date,
        name: form.values.name,
        kind: form.values.kind,
      }),
    );
    if (!b) return;
    boardStore.set(b);
    form.reset();
  };
  const remove = async (date: string) => {
    const b = await call.run(() => client.call('holidays.remove', { date }));
    if (b) boardStore.set(b);
  };
  return (
    <Box data-testid="holidays">
      <Typography variant="subtitle2" sx={{ mb: 0.5 }}>
        {t('posts.holidays')}
      </Typography>
      {board.holidays.length === 0 ? (
        <Typography color="text.secondary">{t('posts.noHolidays')}</Typography>
      ) : (
        <Table size="small" data-testid="holiday-list">
          <TableBody>
            {board.holidays.map((h) => (
              <TableRow key={h.date} data-testid="holiday-row" data-date={h.date} data-kind={h.kind}>
                <TableCell sx={{ fontVariantNumeric: 'tabular-nums' }}>{h.date}</TableCell>
                <TableCell>{h.name}</TableCell>
                <TableCell>
                  <Chip
                    size="small"
                    color={h.kind === 'holiday' ? 'secondary' : 'default'}
                    label={t(`posts.holidayKind.${h.kind}`)}
                  />
                </TableCell>
                <TableCell align="right">
                  {supervisor && (
                    <Button size="small" data-testid="holiday-remove" onClick={() => void remove(h.date)}>
                      {t('posts.removeHoliday')}
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {supervisor && (
        <InlineForm onSubmit={save} columns="170px 1fr 170px auto" testId="holiday-form" sx={{ mt: 1 }}>
          <TextInput
            label={t('posts.date')}
            type="date"
            shrinkLabel
            testId="holiday-date"
            {...form.field('date')}
          />
          <TextInput
            label={t('posts.holidayName')}
            maxLength={40}
            testId="holiday-name"
            {...form.field('name')}
          />
          <SelectInput
            label={t('posts.holidayKindLabel')}
            testId="holiday-kind"
            {...form.field('kind')}
            options={(['holiday', 'workday'] as const).map((k) => ({
              value: k,
              label: t(`posts.holidayKind.${k}`),
            }))}
          />
          <Button
            type="submit"
            variant="outlined"
            data-testid="holiday-save"
            disabled={call.busy || !form.values.date || !form.values.name.trim()}
          >
            {t('posts.saveHoliday')}
          </Button>
        </InlineForm>
      )}
      <ErrorAlert error={call.error} testId="holiday-error" />
    </Box>
  );
}
