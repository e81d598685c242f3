import { Box, Button, Chip, Typography } from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DrillRuleView, PlaybookSummary } from '../../../shared/contract';
import { useClient } from '../../api/client';
import { InlineForm } from '../../ui/dialogs';
import { SelectInput, TextInput } from '../../ui/fields';
import { formatClock, useText } from '../../ui/hooks';
import { useCall } from '../../ui/useCall';
import { dayStamp } from '../../ui/download';

/**
 * Recurring drills (定期开展应急演练): monthly or quarterly on a day and time of the site; each is scheduled a week
 * ahead by the console. Everyone sees them; a supervisor adds and stops them.
 */
export function DrillRules(props: { playbooks: PlaybookSummary[]; supervisor: boolean }) {
  const { t } = useTranslation();
  const text = useText();
  const client = useClient();
  const { run } = useCall('notice');
  const [rules, setRules] = useState<DrillRuleView[]>([]);
  const [playbookId, setPlaybookId] = useState('fire');
  const [title, setTitle] = useState('');
  const [every, setEvery] = useState<'month' | 'quarter'>('month');
  const [monthDay, setMonthDay] = useState('15');
  const [at, setAt] = useState('14:00');
  const [quarterMonth, setQuarterMonth] = useState('1');
  const load = useCallback(() => {
    void run(async () => setRules((await client.call('drills.rules')).rules));
  }, [client, run]);
  useEffect(load, [load]);
  const add = async () => {
    const done = await run(() =>
      client.call('drills.saveRule', {
        playbookId,
        title,
        recurrence: { every, monthDay: Number(monthDay), at, quarterMonth: Number(quarterMonth) },
      }),
    );
    if (done) {
      setRules(done.rules);
      setTitle('');
    }
  };
  const when = (r: DrillRuleView) =>
    r.recurrence.every === 'month'
      ? t('playbooks.drills.rules.monthly', { day: r.recurrence.monthDay, at: r.recurrence.at })
      : t('playbooks.drills.rules.quarterly', {
          month: r.recurrence.quarterMonth,
          day: r.recurrence.monthDay,
          at: r.recurrence.at,
        });
  return (
    <Box data-testid="drill-rules" sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
      <Typography variant="subtitle1" sx={{ fontWeight: 600 }}>
        {t('playbooks.drills.rules.title')}
      </Typography>
      {rules.length === 0 && (
        <Typography color="text.secondary">{t('playbooks.drills.rules.none')}</Typography>
      )}
      {rules.map((r) => (
        <Box
          key={r.id}
          data-testid="drill-rule"
          sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}
        >
          <Typography sx={{ fontWeight: 600 }}>{r.title}</Typography>
          <Chip size="small" label={when(r)} />
          <Typography variant="body2" color="text.secondary">
            {t('playbooks.drills.rules.next', {
              time: `${dayStamp(r.nextDueAt)} ${formatClock(r.nextDueAt, false)}`,
            })}
          </Typography>
          {props.supervisor && (
            <Button
              size="small"
              color="error"
              data-testid="drill-rule-remove"
              onClick={() =>
                void run(() => client.call('drills.removeRule', { id: r.id })).then(
                  (x) => x && setRules(x.rules),
                )
              }
            >
              {t('playbooks.drills.rules.remove')}
            </Button>
          )}
        </Box>
      ))}
      {props.supervisor && (
        <InlineForm testId="drill-rule-form" onSubmit={add} columns="2fr 2fr 1fr 1fr 1fr 1fr auto">
          <SelectInput
            label={t('playbooks.drills.playbook')}
            value={playbookId}
            onChange={setPlaybookId}
            options={props.playbooks.map((p) => ({ value: p.id, label: text(p.title) }))}
          />
          <TextInput
            label={t('playbooks.drills.titleField')}
            value={title}
            onChange={setTitle}
            testId="drill-rule-title"
          />
          <SelectInput
            label={t('playbooks.drills.rules.every')}
            value={every}
            onChange={setEvery}
            options={[
              { value: 'month', label: t('playbooks.drills.rules.everyMonth') },
              { value: 'quarter', label: t('playbooks.drills.rules.everyQuarter') },
            ]}
          />
          <SelectInput
            label={t('playbooks.drills.rules.quarterMonth')}
            value={quarterMonth}
            onChange={setQuarterMonth}
            disabled={every !== 'quarter'}
            options={['1', '2', '3'].map((m) => ({ value: m, label: m }))}
          />
          <TextInput
            label={t('playbooks.drills.rules.monthDay')}
            type="number"
            value={monthDay}
            onChange={setMonthDay}
            htmlInput={{ min: 1, max: 31 }}
          />
          <TextInput
            label={t('playbooks.drills.rules.at')}
            type="time"
            shrinkLabel
            value={at}
            onChange={setAt}
          />
          <Button
            type="submit"
            variant="outlined"
            disabled={title.trim().length < 2}
            data-testid="drill-rule-add"
          >
            {t('playbooks.drills.rules.add')}
          </Button>
        </InlineForm>
      )}
    </Box>
  );
}
