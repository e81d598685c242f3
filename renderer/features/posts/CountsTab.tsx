import {
  Box,
  Button,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useTranslation } from 'react-i18next';
import { useClient } from '../../api/client';
import { useStore } from '../../api/store';
import { ErrorAlert, InlineForm } from '../../ui/dialogs';
import { SelectInput, TextInput } from '../../ui/fields';
import { useForm } from '../../ui/form';
import { formatClock, useText } from '../../ui/hooks';
import { useCall } from '../../ui/useCall';
import { useSystem, ZoneSelect } from '../system';
import { counts as countsStore, loadCounts } from './store';

const percent = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

/**
 * Patrol parking counts (巡查车辆计数): the operator enters what a guard counted in an area on his round (vehicles,
 * and of them parked against the rules), on the guard's word over the radio; today's counts and today's
 * 车辆规范停放率. The reports' vehicles section has the rate of any period.
 */
export function CountsTab() {
  const { t } = useTranslation();
  const text = useText();
  const client = useClient();
  const call = useCall('inline');
  const site = useStore(useSystem().site);
  const state = useStore(countsStore);
  const form = useForm({ area: '', counted: '', violations: '0', guard: '', note: '' });
  const counted = Number(form.values.counted);
  const violations = Number(form.values.violations);
  const valid =
    form.values.area !== '' &&
    Number.isInteger(counted) &&
    counted >= 1 &&
    Number.isInteger(violations) &&
    violations >= 0 &&
    violations <= counted;
  const record = async () => {
    const ok = await call.succeeds(() =>
      client.call('parking.record', {
        area: form.values.area,
        counted,
        violations,
        ...(form.values.guard ? { guardId: form.values.guard } : {}),
        note: form.values.note,
      }),
    );
    if (!ok) return;
    form.reset();
    await loadCounts(client);
  };
  const zoneName = (id: string) => {
    const z = site?.zones.find((x) => x.id === id);
    return z ? text(z.name) : id;
  };
  const guardName = (id: string | undefined) => {
    const g = id ? site?.guards.find((x) => x.id === id) : undefined;
    return g ? text(g.name) : '';
  };
  return (
    <Stack spacing={1.5} data-testid="counts-tab">
      <Typography data-testid="counts-rate" data-rate={state?.rate ?? ''}>
        {t('posts.counts.rateToday', { rate: percent(state?.rate ?? null) })}
      </Typography>
      <InlineForm onSubmit={record} columns="1.4fr 110px 110px 1fr 1.4fr auto" testId="count-form">
        <ZoneSelect label={t('posts.counts.area')} {...form.field('area')} sx={{}} />
        <TextInput
          label={t('posts.counts.counted')}
          type="number"
          testId="count-counted"
          htmlInput={{ min: 1, max: 5000 }}
          {...form.field('counted')}
        />
        <TextInput
          label={t('posts.counts.violations')}
          type="number"
          testId="count-violations"
          htmlInput={{ min: 0, max: 5000 }}
          {...form.field('violations')}
        />
        <SelectInput
          label={t('posts.counts.guard')}
          testId="count-guard"
          empty="—"
          {...form.field('guard')}
          options={(site?.guards ?? []).map((g) => ({ value: g.id, label: text(g.name) }))}
        />
        <TextInput
          label={t('posts.counts.note')}
          maxLength={200}
          testId="count-note"
          {...form.field('note')}
        />
        <Button type="submit" variant="contained" data-testid="count-save" disabled={!valid || call.busy}>
          {t('posts.counts.record')}
        </Button>
      </InlineForm>
      {form.values.counted !== '' && violations > counted && (
        <Typography color="warning.main">{t('posts.counts.tooMany')}</Typography>
      )}
      <ErrorAlert error={call.error} testId="count-error" />
      {!state || state.counts.length === 0 ? (
        <Typography color="text.secondary">{t('posts.counts.none')}</Typography>
      ) : (
        <Box sx={{ maxHeight: 320, overflow: 'auto' }}>
          <Table size="small" stickyHeader data-testid="count-list">
            <TableHead>
              <TableRow>
                <TableCell>{t('posts.counts.time')}</TableCell>
                <TableCell>{t('posts.counts.area')}</TableCell>
                <TableCell align="right">{t('posts.counts.counted')}</TableCell>
                <TableCell align="right">{t('posts.counts.violations')}</TableCell>
                <TableCell>{t('posts.counts.guard')}</TableCell>
                <TableCell>{t('posts.counts.note')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {state.counts.map((c) => (
                <TableRow key={c.id} data-testid="count-row" data-area={c.area}>
                  <TableCell>{formatClock(c.at, false)}</TableCell>
                  <TableCell>{zoneName(c.area)}</TableCell>
                  <TableCell align="right">{c.counted}</TableCell>
                  <TableCell align="right">{c.violations}</TableCell>
                  <TableCell>{guardName(c.guardId)}</TableCell>
                  <TableCell>{c.note}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      )}
    </Stack>
  );
}
