import { Box, ToggleButton, ToggleButtonGroup, Typography } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SELF_CHECK_ITEMS, type SelfCheckFinding, type SelfCheckItemId } from '../../../shared/contract';
import { SEVERITIES, type Severity } from '../../../shared/domain/facilities';
import { useClient } from '../../api/client';
import { FormDialog } from '../../ui/dialogs';
import { SelectInput, TextInput } from '../../ui/fields';
import { useCall } from '../../ui/useCall';

type Draft = { ok: boolean; text: string; becomes: SelfCheckFinding['becomes']; severity: Severity };

/**
 * The monthly self-check (月度自查): each item of the checklist in order or with a finding, and what the finding
 * becomes — a hazard or a work order, opened in the facilities feature as the supervisor who records it.
 */
export function SelfCheckDialog(props: { month: string; onClose(): void; onDone(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const call = useCall('inline');
  const [month, setMonth] = useState(props.month);
  const [note, setNote] = useState('');
  const [items, setItems] = useState<Record<SelfCheckItemId, Draft>>(
    () =>
      Object.fromEntries(
        SELF_CHECK_ITEMS.map((id) => [id, { ok: true, text: '', becomes: 'hazard', severity: 'normal' }]),
      ) as Record<SelfCheckItemId, Draft>,
  );
  const set = (id: SelfCheckItemId, change: Partial<Draft>) =>
    setItems((all) => ({ ...all, [id]: { ...all[id], ...change } }));
  const complete = SELF_CHECK_ITEMS.every((id) => items[id].ok || items[id].text.trim() !== '');

  const submit = async () => {
    const done = await call.run(() =>
      client.call('reports.selfCheck', {
        month,
        note,
        items: SELF_CHECK_ITEMS.map((id) => {
          const d = items[id];
          return d.ok
            ? { id }
            : { id, finding: { text: d.text.trim(), becomes: d.becomes, severity: d.severity } };
        }),
      }),
    );
    if (done) {
      props.onDone();
      props.onClose();
    }
  };

  return (
    <FormDialog
      open
      title={t('reports.selfCheck.title')}
      testId="self-check"
      onClose={props.onClose}
      onSubmit={submit}
      canSubmit={complete && /^\d{4}-\d{2}$/.test(month)}
      busy={call.busy}
      error={call.error ?? undefined}
      submitLabel={t('reports.selfCheck.save')}
      submitTestId="self-check-save"
      maxWidth="md"
    >
      <Typography variant="body2" color="text.secondary">
        {t('reports.selfCheck.hint')}
      </Typography>
      <TextInput
        type="month"
        label={t('reports.selfCheck.month')}
        value={month}
        onChange={setMonth}
        shrinkLabel
        testId="self-check-month"
      />
      {SELF_CHECK_ITEMS.map((id) => {
        const d = items[id];
        return (
          <Box
            key={id}
            data-testid={`self-check-item-${id}`}
            sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, alignItems: 'center', py: 0.25 }}
          >
            <Typography sx={{ flex: '1 1 220px' }}>{t(`reports.selfCheck.item.${id}`)}</Typography>
            <ToggleButtonGroup
              size="small"
              exclusive
              value={d.ok ? 'ok' : 'finding'}
              onChange={(_, v: 'ok' | 'finding' | null) => v && set(id, { ok: v === 'ok' })}
            >
              <ToggleButton value="ok" data-testid={`self-check-ok-${id}`}>
                {t('reports.selfCheck.ok')}
              </ToggleButton>
              <ToggleButton value="finding" data-testid={`self-check-finding-${id}`}>
                {t('reports.selfCheck.finding')}
              </ToggleButton>
            </ToggleButtonGroup>
            {!d.ok && (
              <Box sx={{ display: 'flex', gap: 1, flexBasis: '100%', flexWrap: 'wrap' }}>
                <TextInput
                  label={t('reports.selfCheck.findingText')}
                  value={d.text}
                  onChange={(text) => set(id, { text })}
                  maxLength={500}
                  testId={`self-check-text-${id}`}
                  sx={{ flex: '2 1 300px' }}
                />
                <SelectInput
                  label={t('reports.selfCheck.becomes')}
                  value={d.becomes}
                  onChange={(becomes) => set(id, { becomes })}
                  options={(['hazard', 'order'] as const).map((v) => ({
                    value: v,
                    label: t(`reports.selfCheck.becomesWhat.${v}`),
                  }))}
                  testId={`self-check-becomes-${id}`}
                  sx={{ minWidth: 140 }}
                />
                <SelectInput
                  label={t('reports.selfCheck.severity')}
                  value={d.severity}
                  onChange={(severity) => set(id, { severity })}
                  options={SEVERITIES.map((v) => ({ value: v, label: t(`facilities.severity.${v}`) }))}
                  sx={{ minWidth: 120 }}
                />
              </Box>
            )}
          </Box>
        );
      })}
      <TextInput
        label={t('reports.selfCheck.note')}
        value={note}
        onChange={setNote}
        multiline
        minRows={2}
        maxLength={1000}
        fullWidth
      />
    </FormDialog>
  );
}
