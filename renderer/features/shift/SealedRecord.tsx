import { Alert, Box, Button, Divider, Typography } from '@mui/material';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { RecordEntry, ShiftRecord, ShiftStats } from '../../../shared/contract';
import { formatDateTime, joinList } from '../../../shared/domain/text';
import { useClient } from '../../api/client';
import { savePdf } from '../../ui/download';
import { useLocale } from '../../ui/hooks';
import { callErrorText } from '../../ui/useCall';

/** Joins by the interface language's own separators; an empty list reads as a dash. */
export function useList(): (items: readonly string[]) => string {
  const locale = useLocale();
  return (items) => (items.length ? joinList(items, locale) : '—');
}

/** "label：value" in Chinese, "label: value" in English. */
export function useField(): (label: string, value: string | number) => string {
  const { t } = useTranslation();
  return (label, value) => t('duty.field', { label, value: String(value) });
}

export function StatsBlock({ stats, entries = true }: { stats: ShiftStats; entries?: boolean }) {
  const { t } = useTranslation();
  const list = useList();
  const field = useField();
  const s = stats;
  const types = Object.entries(s.byType).sort((a, b) => b[1] - a[1]);
  return (
    <Box data-testid="handover-stats">
      <Typography variant="subtitle1" sx={{ fontWeight: 700 }}>
        {t('duty.stats')}
      </Typography>
      <Typography>
        {[
          field(t('duty.statAlarms'), s.total),
          field(t('duty.statAck'), `${s.acknowledgedWithinTarget}/${s.acknowledged}`),
          ...(s.ackP50Ms !== null ? [field(t('duty.statAckP50'), `${Math.round(s.ackP50Ms / 1000)} s`)] : []),
          field(t('duty.statResolved'), s.resolved),
        ].join(' · ')}
      </Typography>
      {types.length > 0 && (
        <Typography color="text.secondary">
          {field(t('duty.byType'), list(types.map(([type, n]) => `${t(`alarmType.${type}`)} ${n}`)))}
        </Typography>
      )}
      {s.vehicles && (
        <Typography color="text.secondary" data-testid="handover-vehicles">
          {t('violations.handoverCounts', {
            inside: s.vehicles.inside,
            decisions: s.vehicles.gateDecisions,
            overstays: s.vehicles.overstays,
            violations: s.vehicles.violationsFound,
          })}
        </Typography>
      )}
      {entries && (
        <Typography color="text.secondary">
          {t('duty.statEntries', { count: s.dutyEntries, manual: s.manualEntries })}
        </Typography>
      )}
    </Box>
  );
}

function Section(props: { title: string; testId: string; children: ReactNode }) {
  return (
    <Box data-testid={props.testId} sx={{ display: 'flex', flexDirection: 'column', gap: 0.5 }}>
      <Typography variant="subtitle1" sx={{ fontWeight: 700 }}>
        {props.title}
      </Typography>
      {props.children}
    </Box>
  );
}

function Entry({ entry, when, testId }: { entry: RecordEntry; when(ms: number): string; testId: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const list = useList();
  const field = useField();
  const marks = [
    ...(entry.followUp ? [t('duty.followUpMark')] : []),
    ...(entry.refId !== undefined
      ? [t(entry.kind === 'follow_up_done' ? 'duty.closes' : 'duty.correctionOf', { id: entry.refId })]
      : []),
  ];
  return (
    <Box data-testid={testId} data-entry-id={entry.id} data-kind={entry.kind} sx={{ pl: 1 }}>
      <Typography variant="body2" color="text.secondary">
        #{entry.id} · {when(entry.at)} · {t(`duty.kind_${entry.kind}`)}
        {entry.operatorName ? ` · ${entry.operatorName}` : ''}
        {marks.length ? ` (${list(marks)})` : ''}
      </Typography>
      <Typography sx={{ whiteSpace: 'pre-wrap' }}>{entry.text[locale]}</Typography>
      {entry.alarm && (
        <Typography variant="body2" color="text.secondary" data-testid="record-entry-alarm">
          {field(t('duty.linkedAlarm'), entry.alarm[locale])}
        </Typography>
      )}
      {entry.camera && (
        <Typography variant="body2" color="text.secondary">
          {field(t('duty.cameraLink'), entry.camera[locale])}
        </Typography>
      )}
    </Box>
  );
}

/** One kind of the console's own entries: its count, the list one click away. */
function AutomaticGroup({
  kind,
  entries,
  when,
}: ShiftRecord['automatic'][number] & { when(ms: number): string }) {
  const { t } = useTranslation();
  const field = useField();
  const [open, setOpen] = useState(false);
  return (
    <Box data-testid="record-auto-group" data-kind={kind} data-count={entries.length}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, pl: 1 }}>
        <Typography sx={{ flex: 1 }}>
          {field(t(`duty.kind_${kind}`), t('duty.entryCount', { count: entries.length }))}
        </Typography>
        <Button size="small" onClick={() => setOpen((o) => !o)} data-testid="record-auto-toggle">
          {open ? t('duty.hideEntries') : t('duty.showEntries')}
        </Button>
      </Box>
      {open && entries.map((e) => <Entry key={e.id} entry={e} when={when} testId="record-auto-entry" />)}
    </Box>
  );
}

/**
 * A sealed shift as the incoming operator and an inspector read it, in the order of the printed record: site,
 * times, operators, the handover note, carried-over items, the shift's duty log, statistics, signatures.
 */
export function SealedRecord({ id }: { id: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const locale = useLocale();
  const list = useList();
  const field = useField();
  const [record, setRecord] = useState<ShiftRecord | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let cancelled = false;
    client.call('shift.get', { id }).then(
      (got) => {
        if (cancelled) return;
        if (got.record) setRecord(got.record);
        else setError(t('duty.notSealed'));
      },
      (err: unknown) => !cancelled && setError(callErrorText(t, err)),
    );
    return () => {
      cancelled = true;
    };
  }, [client, id, t]);

  const pdf = async () => {
    try {
      const { pdf, fileName } = await client.call('shift.pdf', { id, locale });
      // Opening it too lets the operator print straight away.
      savePdf(fileName, pdf, { open: true });
    } catch (err) {
      setError(callErrorText(t, err));
    }
  };

  if (error) return <Alert severity="error">{error}</Alert>;
  if (!record) return null;
  const when = (ms: number) => formatDateTime(ms, locale, record.timeZone);
  const sig = record.signatures;
  return (
    <Box data-testid="sealed-shift" sx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }}>
      <Box data-testid="record-head">
        <Typography>{field(t('duty.site'), record.site[locale])}</Typography>
        <Typography>{field(t('duty.period'), `${when(record.from)} – ${when(record.to)}`)}</Typography>
        <Typography>
          {field(t('duty.outgoing'), list(record.outgoing))} ·{' '}
          {field(t('duty.incoming'), list(record.incoming))}
        </Typography>
        <Typography color="text.secondary">
          {field(t('duty.operatorsOnDuty'), list(record.operators))}
        </Typography>
      </Box>

      <Section title={t('duty.handoverNote')} testId="record-note">
        {record.note ? (
          <Alert severity="info" icon={false}>
            <Typography sx={{ whiteSpace: 'pre-wrap' }}>{record.note.text[locale]}</Typography>
            <Typography variant="body2" color="text.secondary">
              — {record.note.operatorName ?? ''} {when(record.note.at)}
            </Typography>
          </Alert>
        ) : (
          <Typography color="text.secondary">{t('duty.noNote')}</Typography>
        )}
      </Section>

      <Section title={`${t('duty.items')} (${record.items.length})`} testId="record-items">
        {record.items.length === 0 && <Typography color="text.secondary">{t('duty.noCarryOver')}</Typography>}
        {record.items.map((i) => (
          <Typography key={i.key} data-testid="record-item" data-kind={i.kind} sx={{ pl: 1 }}>
            [{t(`duty.item_${i.kind}`)}] {i.label[locale]}
            {i.since ? ` (${when(i.since)})` : ''}
          </Typography>
        ))}
      </Section>

      <Section title={t('duty.entries')} testId="record-entries">
        <Typography color="text.secondary">
          {t('duty.entriesCount', { count: record.entryCount, manual: record.manual.length })}
        </Typography>
        <Typography sx={{ fontWeight: 700, mt: 0.5 }}>{t('duty.manualEntries')}</Typography>
        {record.manual.length === 0 && (
          <Typography color="text.secondary" sx={{ pl: 1 }}>
            {t('duty.noManual')}
          </Typography>
        )}
        {record.manual.map((e) => (
          <Entry key={e.id} entry={e} when={when} testId="record-manual-entry" />
        ))}
        <Typography sx={{ fontWeight: 700, mt: 0.5 }}>{t('duty.automaticEntries')}</Typography>
        {record.automatic.map((g) => (
          <AutomaticGroup key={g.kind} {...g} when={when} />
        ))}
      </Section>

      <StatsBlock stats={record.stats} entries={false} />

      <Section title={t('duty.signatures')} testId="record-signatures">
        {sig.signers.map((s) => (
          <Typography key={`${s.role}:${s.name}`} data-testid="record-signer" data-role={s.role}>
            {field(t(`duty.${s.role}`), s.name)} · {t('duty.signedAt', { time: when(s.at) })}
          </Typography>
        ))}
        <Typography>{t('duty.sealedAt', { time: when(sig.sealedAt) })}</Typography>
        <Typography variant="body2" sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>
          {field(t('duty.sealHash'), sig.sealHash)}
        </Typography>
        <Alert severity={sig.check.ok ? 'success' : 'error'} data-testid="seal-check" data-ok={sig.check.ok}>
          {sig.check.ok
            ? t('duty.verifyOk', { count: sig.check.entries })
            : t('duty.verifyBroken', { id: sig.check.brokenAt ?? 0, reason: sig.check.reason ?? '' })}
        </Alert>
      </Section>
      <Divider />
      <Box>
        <Button variant="contained" onClick={() => void pdf()} data-testid="handover-pdf">
          {t('duty.pdf')}
        </Button>
      </Box>
    </Box>
  );
}
