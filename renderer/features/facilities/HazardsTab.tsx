import { Button, Chip, TableCell, Typography } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Contact, HazardView } from '../../../shared/contract';
import {
  HAZARD_CATEGORIES,
  HAZARD_MOVES,
  HAZARD_SOURCES,
  HAZARD_STATES,
  SEVERITIES,
  type HazardAction,
  type HazardCategory,
  type Severity,
} from '../../../shared/domain/facilities';
import { useClient } from '../../api/client';
import { FormDialog } from '../../ui/dialogs';
import { SelectInput, TextInput } from '../../ui/fields';
import { useNow } from '../../ui/hooks';
import { useCall } from '../../ui/useCall';
import { BarButton, DetailPanel, ListDetail, MoveButtons, OverdueChip, TabColumn } from './ListDetail';
import { callable, ContactInputs, NoteDialog, trimmed, ZoneSelect } from './forms';
import { CallCard, FilterBar, StatusChip, stamp, useZoneName } from './parts';

const ACTIONS: readonly HazardAction[] = ['plan', 'rectified', 'verify', 'reject'];
const ACTION_LABEL: Record<HazardAction, string> = {
  plan: 'plan',
  rectified: 'rectified',
  verify: 'hazardVerify',
  reject: 'hazardReject',
};
type HazardSource = (typeof HAZARD_SOURCES)[number];

const overdueOf = (h: HazardView, now: number) =>
  h.deadline !== undefined && h.deadline < now && (h.state === 'open' || h.state === 'rectifying');

/** The hazard register (隐患台账): the rate, filters, the list and the selected hazard with its plan and timeline. */
export function HazardsTab(props: {
  hazards: HazardView[];
  maintainers: Contact[];
  rate: { found: number; rectifiedOnTime: number; rate: number | null } | null;
  selected: string | undefined;
  onSelect(id: string): void;
}) {
  const { t } = useTranslation();
  const zoneName = useZoneName();
  const now = useNow(30_000);
  const [state, setState] = useState('');
  const [category, setCategory] = useState('');
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [reporting, setReporting] = useState(false);
  const shown = props.hazards.filter(
    (h) =>
      (!state || h.state === state) &&
      (!category || h.category === category) &&
      (!overdueOnly || overdueOf(h, now)),
  );
  const selected = props.hazards.find((h) => h.id === props.selected);
  const rate = props.rate;

  return (
    <TabColumn>
      {rate && (
        <Typography data-testid="hazard-rate" sx={{ fontWeight: 600 }}>
          {rate.rate === null
            ? t('facilities.rateNone')
            : t('facilities.rate', {
                rate: `${Math.round(rate.rate * 1000) / 10}%`,
                onTime: rate.rectifiedOnTime,
                found: rate.found,
              })}
        </Typography>
      )}
      <FilterBar
        filters={[
          {
            key: 'state',
            label: t('facilities.filterState'),
            value: state,
            onChange: setState,
            options: HAZARD_STATES.map((s) => ({ value: s, label: t(`facilities.hazardState.${s}`) })),
          },
          {
            key: 'category',
            label: t('facilities.col.category'),
            value: category,
            onChange: setCategory,
            options: HAZARD_CATEGORIES.map((c) => ({ value: c, label: t(`facilities.category.${c}`) })),
          },
        ]}
        prefix="hazards"
        overdueOnly={overdueOnly}
        onOverdueOnly={setOverdueOnly}
        actions={
          <BarButton testId="hazard-new" onClick={() => setReporting(true)}>
            {t('facilities.newHazard')}
          </BarButton>
        }
      />
      <ListDetail
        testId="hazards-table"
        cols={['number', 'category', 'description', 'zone', 'state', 'owner', 'deadline']}
        rows={shown}
        selected={props.selected}
        onSelect={props.onSelect}
        data={(h) => ({ 'data-testid': 'hazard-row', 'data-hazard-id': h.id, 'data-state': h.state })}
        cells={(h) => (
          <>
            <TableCell sx={{ whiteSpace: 'nowrap', fontFamily: 'monospace' }}>{h.number}</TableCell>
            <TableCell>{t(`facilities.category.${h.category}`)}</TableCell>
            <TableCell>{h.description}</TableCell>
            <TableCell>{zoneName(h.zone)}</TableCell>
            <TableCell>
              <StatusChip
                value={h.state}
                label={t(`facilities.hazardState.${h.state}`)}
                testId="hazard-state"
              />
            </TableCell>
            <TableCell>{h.owner?.name ?? '—'}</TableCell>
            <TableCell sx={{ whiteSpace: 'nowrap' }}>
              {h.deadline !== undefined ? stamp(h.deadline) : '—'}
              {overdueOf(h, now) && <OverdueChip />}
            </TableCell>
          </>
        )}
        detail={
          selected && <HazardDetail key={selected.id} hazard={selected} maintainers={props.maintainers} />
        }
      />
      {reporting && (
        <ReportDialog
          onClose={() => setReporting(false)}
          onReported={(id) => {
            setReporting(false);
            props.onSelect(id);
          }}
        />
      )}
    </TabColumn>
  );
}

function HazardDetail({ hazard, maintainers }: { hazard: HazardView; maintainers: Contact[] }) {
  const { t } = useTranslation();
  const client = useClient();
  const zoneName = useZoneName();
  const { run } = useCall('notice');
  const [asking, setAsking] = useState<'plan' | 'note' | null>(null);
  const possible = ACTIONS.filter((a) => HAZARD_MOVES[a].from.includes(hazard.state));
  const act = (action: HazardAction | 'note', more: object = {}) =>
    run(() => client.call('hazards.act', { id: hazard.id, action, ...more }));

  return (
    <DetailPanel
      data={{ 'data-testid': 'hazard-detail' }}
      title={`${hazard.number} · ${t(`facilities.category.${hazard.category}`)}`}
      chips={
        <>
          <StatusChip
            value={hazard.state}
            label={t(`facilities.hazardState.${hazard.state}`)}
            testId="hazard-detail-state"
          />
          <StatusChip value={hazard.severity} label={t(`facilities.severity.${hazard.severity}`)} />
          {hazard.escalatedAt !== undefined && <Chip label={t('facilities.escalated')} variant="outlined" />}
        </>
      }
      moves={
        <>
          <MoveButtons
            moves={possible}
            back={(a) => a === 'reject'}
            testPrefix="hazard-act"
            label={(a) => t(`facilities.act.${ACTION_LABEL[a]}`)}
            onMove={(a) => (a === 'plan' ? setAsking('plan') : void act(a))}
          />
          {hazard.state !== 'closed' && (
            <Button variant="outlined" data-testid="hazard-act-note" onClick={() => setAsking('note')}>
              {t('facilities.act.note')}
            </Button>
          )}
        </>
      }
      timeline={hazard.timeline}
      dialogs={
        <>
          {asking === 'plan' && (
            <PlanDialog
              maintainers={maintainers}
              onClose={() => setAsking(null)}
              onSubmit={async (plan, owner, hours) => {
                if (await act('plan', { plan, owner, deadline: Date.now() + hours * 3_600_000 }))
                  setAsking(null);
              }}
            />
          )}
          {asking === 'note' && (
            <NoteDialog
              title={t('facilities.act.note')}
              label={t('facilities.field.followUp')}
              testId="hazard-note-dialog"
              fieldTestId="hazard-note-text"
              min={1}
              maxLength={1000}
              onClose={() => setAsking(null)}
              onSubmit={async (note) => {
                if (await act('note', { note })) setAsking(null);
              }}
            />
          )}
        </>
      }
    >
      <Typography>{hazard.description}</Typography>
      <Typography variant="body2" color="text.secondary">
        {t(`facilities.hazardSource.${hazard.source}`)} · {zoneName(hazard.zone)} · {stamp(hazard.foundAt)} ·{' '}
        {hazard.foundBy}
      </Typography>
      {hazard.plan && (
        <Typography data-testid="hazard-plan">
          {t('facilities.field.plan')}：{hazard.plan}
          {hazard.deadline !== undefined && ` · ${t('facilities.col.deadline')} ${stamp(hazard.deadline)}`}
        </Typography>
      )}
      {hazard.owner && (
        <CallCard contact={hazard.owner} testId="hazard-owner-card" title={t('facilities.field.ownerName')} />
      )}
    </DetailPanel>
  );
}

function PlanDialog(props: {
  maintainers: Contact[];
  onClose(): void;
  onSubmit(plan: string, owner: Contact, hours: number): Promise<void>;
}) {
  const { t } = useTranslation();
  const [plan, setPlan] = useState('');
  const first = props.maintainers[0];
  const [owner, setOwner] = useState<Contact>({ name: first?.name ?? '', phone: first?.phone ?? '' });
  const [hours, setHours] = useState('72');
  const h = Number(hours);
  return (
    <FormDialog
      open
      title={t('facilities.act.plan')}
      testId="hazard-plan-dialog"
      submitTestId="hazard-plan-submit"
      onClose={props.onClose}
      canSubmit={plan.trim().length > 1 && callable(owner) && h > 0}
      onSubmit={() => props.onSubmit(plan.trim(), trimmed(owner), h)}
    >
      <TextInput
        label={t('facilities.field.plan')}
        testId="hazard-plan-text"
        value={plan}
        onChange={setPlan}
        multiline
        minRows={2}
        maxLength={1000}
        autoFocus
      />
      <ContactInputs
        value={owner}
        onChange={setOwner}
        labels={[t('facilities.field.ownerName'), t('facilities.field.ownerPhone')]}
        testIds={['hazard-plan-owner', 'hazard-plan-phone']}
      />
      <TextInput
        label={t('facilities.field.deadlineHours')}
        testId="hazard-plan-hours"
        value={hours}
        onChange={setHours}
        type="number"
      />
    </FormDialog>
  );
}

function ReportDialog(props: { onClose(): void; onReported(id: string): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const call = useCall();
  const [category, setCategory] = useState<HazardCategory>('fire');
  const [severity, setSeverity] = useState<Severity>('normal');
  const [source, setSource] = useState<HazardSource>('patrol');
  const [zone, setZone] = useState('');
  const [description, setDescription] = useState('');
  return (
    <FormDialog
      open
      title={t('facilities.newHazard')}
      testId="hazard-new-dialog"
      submitTestId="hazard-new-submit"
      onClose={props.onClose}
      error={call.error}
      canSubmit={description.trim().length > 0}
      onSubmit={async () => {
        const hazard = await call.run(() =>
          client.call('hazards.report', {
            category,
            severity,
            source,
            description: description.trim(),
            ...(zone ? { zone } : {}),
          }),
        );
        if (hazard) props.onReported(hazard.id);
      }}
    >
      <SelectInput
        label={t('facilities.field.category')}
        testId="hazard-new-category"
        value={category}
        onChange={setCategory}
        options={HAZARD_CATEGORIES.map((c) => ({ value: c, label: t(`facilities.category.${c}`) }))}
      />
      <SelectInput
        label={t('facilities.field.severity')}
        testId="hazard-new-severity"
        value={severity}
        onChange={setSeverity}
        options={SEVERITIES.map((s) => ({ value: s, label: t(`facilities.severity.${s}`) }))}
      />
      <SelectInput
        label={t('facilities.field.source')}
        testId="hazard-new-source"
        value={source}
        onChange={setSource}
        options={HAZARD_SOURCES.map((s) => ({ value: s, label: t(`facilities.hazardSource.${s}`) }))}
      />
      <ZoneSelect testId="hazard-new-zone" value={zone} onChange={setZone} />
      <TextInput
        label={t('facilities.field.description')}
        testId="hazard-new-description"
        value={description}
        onChange={setDescription}
        multiline
        minRows={2}
        maxLength={1000}
      />
    </FormDialog>
  );
}
