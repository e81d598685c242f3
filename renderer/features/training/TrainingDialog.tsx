import {
  Alert,
  Box,
  Button,
  Chip,
  Tab,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Tabs,
  Typography,
  type ChipProps,
} from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  roleAllows,
  type CertificateView,
  type TrainingList,
  type TrainingRecordView,
} from '../../../shared/contract';
import { useStore } from '../../api/store';
import { ToolDialog } from '../../ui/dialogs';
import { SelectInput } from '../../ui/fields';
import { useText } from '../../ui/hooks';
import { useCall } from '../../ui/useCall';
import { useClient } from '../../api/client';
import { useOperators } from '../operators';
import { CertificateForm, RecordForm } from './forms';
import { closeTraining, openTraining, trainingOpen } from './store';
import { useTrainingData } from './useTrainingData';

type TrainingTab = 'certificates' | 'records';

const STATUS_COLOUR: Record<CertificateView['status'], ChipProps['color']> = {
  valid: 'success',
  expiring: 'warning',
  expired: 'error',
};

/**
 * Training and certificates (培训与证书): every certificate with its status in the site's calendar (expiring and
 * expired ones first in the supervisor's eye), every training record, and the fire desk's sign-on rule. Anyone on
 * duty reads it; a supervisor adds, corrects and removes. Alt+T or the operator menu opens it.
 */
export function TrainingDialog() {
  const { t } = useTranslation();
  const open = useStore(trainingOpen);
  const operator = useStore(useOperators().operator);
  const { data } = useTrainingData(open);
  const [tab, setTab] = useState<TrainingTab>('certificates');
  const [person, setPerson] = useState('');
  const [editing, setEditing] = useState<
    | { what: 'certificate'; item?: CertificateView | undefined }
    | { what: 'record'; item?: TrainingRecordView | undefined }
    | null
  >(null);
  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || e.key.toLowerCase() !== 't') return;
      e.preventDefault();
      openTraining();
    };
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  }, []);
  if (!open) return null;
  const supervisor = operator ? roleAllows(operator.role, 'supervisor') : false;
  const mine = (p: { kind: string; id: string }) => !person || `${p.kind}:${p.id}` === person;
  const attention = data?.certificates.filter((c) => !c.superseded && c.status !== 'valid') ?? [];

  return (
    <ToolDialog
      title={t('training.title')}
      testId="training-dialog"
      onClose={closeTraining}
      maxWidth="xl"
      contentSx={{ display: 'flex', flexDirection: 'column', gap: 1, minHeight: '55vh' }}
    >
      {data && <RuleLine settings={data.settings} />}
      {attention.length > 0 && (
        <Alert severity="warning" data-testid="training-attention">
          {t('training.attention', { count: attention.length })}
        </Alert>
      )}
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, flexWrap: 'wrap' }}>
        <Tabs value={tab} onChange={(_, v: TrainingTab) => setTab(v)} sx={{ flexGrow: 1 }}>
          {(['certificates', 'records'] as const).map((v) => (
            <Tab
              key={v}
              value={v}
              label={t(`training.tabs.${v}`)}
              data-testid={`training-tab-${v}`}
              sx={{ fontSize: '1rem' }}
            />
          ))}
        </Tabs>
        <SelectInput
          value={person}
          onChange={setPerson}
          empty={t('training.filterPerson')}
          testId="training-person-filter"
          sx={{ minWidth: 200 }}
          options={(data?.people ?? []).map((p) => ({
            value: `${p.kind}:${p.id}`,
            label: <PersonName person={p} />,
          }))}
        />
        {supervisor && (
          <Button
            variant="contained"
            data-testid={tab === 'certificates' ? 'training-add-certificate' : 'training-add-record'}
            onClick={() => setEditing({ what: tab === 'certificates' ? 'certificate' : 'record' })}
          >
            {t(tab === 'certificates' ? 'training.addCertificate' : 'training.addRecord')}
          </Button>
        )}
      </Box>
      {!supervisor && (
        <Typography variant="body2" color="text.secondary">
          {t('training.supervisorKeeps')}
        </Typography>
      )}
      {data && tab === 'certificates' && (
        <Certificates
          rows={data.certificates.filter((c) => mine(c.person))}
          supervisor={supervisor}
          onEdit={(item) => setEditing({ what: 'certificate', item })}
        />
      )}
      {data && tab === 'records' && (
        <Records
          rows={data.records.filter((r) => mine(r.person))}
          supervisor={supervisor}
          onEdit={(item) => setEditing({ what: 'record', item })}
        />
      )}
      {data && editing?.what === 'certificate' && (
        <CertificateForm people={data.people} item={editing.item} onClose={() => setEditing(null)} />
      )}
      {data && editing?.what === 'record' && (
        <RecordForm people={data.people} item={editing.item} onClose={() => setEditing(null)} />
      )}
    </ToolDialog>
  );
}

function RuleLine({ settings }: { settings: TrainingList['settings'] }) {
  const { t } = useTranslation();
  return (
    <Alert severity="info" data-testid="training-rule">
      {t('training.rule', {
        kind: t(`training.kind.${settings.fireDesk.certificate}`),
        expired: t(`training.ruleAction.${settings.fireDesk.expired}`),
        missing: t(`training.ruleAction.${settings.fireDesk.missing}`),
        days: settings.expiryNoticeDays,
      })}
    </Alert>
  );
}

export function PersonName({
  person,
}: {
  person: { kind: 'operator' | 'guard'; name: TrainingList['people'][number]['name'] };
}) {
  const { t } = useTranslation();
  const text = useText();
  return (
    <>
      {text(person.name)}
      <Typography component="span" variant="body2" color="text.secondary" sx={{ ml: 1 }}>
        {t(`training.personKind.${person.kind}`)}
      </Typography>
    </>
  );
}

function RowActions(props: { onEdit(): void; remove(): Promise<unknown>; testId: string }) {
  const { t } = useTranslation();
  const { run, busy } = useCall('notice');
  const [confirm, setConfirm] = useState(false);
  return (
    <Box sx={{ display: 'flex', gap: 1, justifyContent: 'flex-end' }}>
      <Button size="small" onClick={props.onEdit} data-testid={`${props.testId}-edit`}>
        {t('training.edit')}
      </Button>
      <Button
        size="small"
        color="error"
        disabled={busy}
        data-testid={`${props.testId}-remove`}
        title={confirm ? t('training.removeConfirm') : undefined}
        onClick={() => {
          if (!confirm) return setConfirm(true);
          void run(props.remove);
        }}
        onBlur={() => setConfirm(false)}
      >
        {confirm ? `${t('training.remove')}?` : t('training.remove')}
      </Button>
    </Box>
  );
}

function StatusChip({ c }: { c: CertificateView }) {
  const { t } = useTranslation();
  const label = c.superseded
    ? t('training.superseded')
    : c.status === 'valid'
      ? t('training.valid')
      : c.status === 'expired'
        ? t('training.expired', { days: -c.daysLeft })
        : c.daysLeft === 0
          ? t('training.expiresToday')
          : t('training.expiring', { days: c.daysLeft });
  return (
    <Chip
      label={label}
      color={c.superseded ? 'default' : STATUS_COLOUR[c.status]}
      data-testid="certificate-status"
      data-value={c.superseded ? 'superseded' : c.status}
      sx={{ fontSize: '0.95rem', height: 30, fontWeight: 600 }}
    />
  );
}

function Certificates(props: {
  rows: CertificateView[];
  supervisor: boolean;
  onEdit(c: CertificateView): void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  // What needs doing first: expired, then expiring (soonest first), then valid; renewed ones last.
  const rank = (c: CertificateView) =>
    c.superseded ? 3 : c.status === 'expired' ? 0 : c.status === 'expiring' ? 1 : 2;
  const rows = [...props.rows].sort((a, b) => rank(a) - rank(b) || a.daysLeft - b.daysLeft);
  if (!rows.length)
    return (
      <Typography color="text.secondary" sx={{ p: 2 }}>
        {t('training.noCertificates')}
      </Typography>
    );
  return (
    <Table size="small" stickyHeader data-testid="certificates-table">
      <TableHead>
        <TableRow>
          {['person', 'certKind', 'number', 'issuedOn', 'expiresOn', 'issuedBy', 'status'].map((k) => (
            <TableCell key={k}>{t(`training.${k}`)}</TableCell>
          ))}
          {props.supervisor && <TableCell />}
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map((c) => (
          <TableRow
            key={c.id}
            data-testid="certificate-row"
            data-status={c.superseded ? 'superseded' : c.status}
            sx={{ opacity: c.superseded ? 0.6 : 1 }}
          >
            <TableCell sx={{ fontWeight: 600 }}>
              <PersonName person={{ kind: c.person.kind, name: c.personName }} />
            </TableCell>
            <TableCell>
              {t(`training.kind.${c.kind}`)}
              {c.level !== undefined && (
                <Typography component="span" variant="body2" color="text.secondary" sx={{ ml: 1 }}>
                  {t(`training.level.${c.level}`)}
                </Typography>
              )}
            </TableCell>
            <TableCell sx={{ fontVariantNumeric: 'tabular-nums' }}>{c.number}</TableCell>
            <TableCell sx={{ whiteSpace: 'nowrap' }}>{c.issuedOn}</TableCell>
            <TableCell sx={{ whiteSpace: 'nowrap', fontWeight: 600 }}>{c.expiresOn}</TableCell>
            <TableCell>{c.issuedBy}</TableCell>
            <TableCell>
              <StatusChip c={c} />
            </TableCell>
            {props.supervisor && (
              <TableCell>
                <RowActions
                  testId="certificate"
                  onEdit={() => props.onEdit(c)}
                  remove={() => client.call('training.removeCertificate', { id: c.id })}
                />
              </TableCell>
            )}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Records(props: {
  rows: TrainingRecordView[];
  supervisor: boolean;
  onEdit(r: TrainingRecordView): void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  if (!props.rows.length)
    return (
      <Typography color="text.secondary" sx={{ p: 2 }}>
        {t('training.noRecords')}
      </Typography>
    );
  return (
    <Table size="small" stickyHeader data-testid="records-table">
      <TableHead>
        <TableRow>
          {['person', 'course', 'on', 'hours', 'trainer', 'resultLabel', 'note'].map((k) => (
            <TableCell key={k}>{t(`training.${k}`)}</TableCell>
          ))}
          {props.supervisor && <TableCell />}
        </TableRow>
      </TableHead>
      <TableBody>
        {props.rows.map((r) => (
          <TableRow key={r.id} data-testid="record-row">
            <TableCell sx={{ fontWeight: 600 }}>
              <PersonName person={{ kind: r.person.kind, name: r.personName }} />
            </TableCell>
            <TableCell>{r.course}</TableCell>
            <TableCell sx={{ whiteSpace: 'nowrap' }}>{r.on}</TableCell>
            <TableCell>{r.hours}</TableCell>
            <TableCell>{r.trainer}</TableCell>
            <TableCell>
              <Chip
                size="small"
                label={t(`training.result.${r.result}`)}
                color={r.result === 'failed' ? 'error' : r.result === 'passed' ? 'success' : 'default'}
              />
            </TableCell>
            <TableCell>{r.note ?? ''}</TableCell>
            {props.supervisor && (
              <TableCell>
                <RowActions
                  testId="record"
                  onEdit={() => props.onEdit(r)}
                  remove={() => client.call('training.removeRecord', { id: r.id })}
                />
              </TableCell>
            )}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
