import { Alert, Button, Stack, Table, TableBody, TableCell, TableRow, Typography } from '@mui/material';
import { memo, useMemo, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Contact, FacilityView, ImportPreview, WorkOrderView } from '../../../shared/contract';
import {
  FACILITY_KINDS,
  orderOpen,
  orderPending,
  type FacilityKind,
} from '../../../shared/domain/facilities';
import { useClient } from '../../api/client';
import { FormDialog, ToolDialog } from '../../ui/dialogs';
import { SelectInput, TextInput } from '../../ui/fields';
import { useNow } from '../../ui/hooks';
import { useCall } from '../../ui/useCall';
import { BarButton, NoRows, TabColumn } from './ListDetail';
import { ContactInputs, trimmed, ZoneSelect } from './forms';
import { FilterBar, Head, StatusChip, stamp, useZoneName } from './parts';

type Live = 'ok' | 'fault' | 'offline' | 'none';

/** Rows drawn at once: the page stays quick with any ledger size. */
const LEDGER_PAGE = 100;

const liveOf = (e: FacilityView): Live => e.live?.state ?? 'none';

/** Each ledger entry's open order (not verified or refused), from the orders list. */
export function openOrdersByEntry(orders: readonly WorkOrderView[]): Map<string, WorkOrderView> {
  const open = new Map<string, WorkOrderView>();
  // Oldest first, so that an entry with two open orders shows the newest, as the core's map does.
  for (const o of [...orders].sort((a, b) => a.number.localeCompare(b.number)))
    if (o.entryId && orderOpen(o.state)) open.set(o.entryId, o);
  return open;
}

/** The facility ledger (设施台账): filters, each entry with its device's live state, 24 h availability and order. */
export function LedgerTab(props: {
  entries: FacilityView[];
  orders: WorkOrderView[];
  supervisor: boolean;
  onOrder(id: string): void;
}) {
  const { t } = useTranslation();
  const zoneName = useZoneName();
  const now = useNow(30_000);
  const [kind, setKind] = useState('');
  const [zone, setZone] = useState('');
  const [live, setLive] = useState('');
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [dialog, setDialog] = useState<'import' | 'new' | null>(null);
  const [page, setPage] = useState(0);
  // Each entry's open order, from the orders list (an order changing reads only that list, not the ledger).
  const openOrders = useMemo(() => openOrdersByEntry(props.orders), [props.orders]);
  const overdue = (e: FacilityView) => {
    const o = openOrders.get(e.id);
    return Boolean(o && orderPending(o.state) && o.dueAt < now);
  };
  const shown = props.entries.filter(
    (e) =>
      (!kind || e.kind === kind) &&
      (!zone || e.zone === zone) &&
      (!live || liveOf(e) === live) &&
      (!overdueOnly || overdue(e)),
  );
  const zones = [...new Set(props.entries.flatMap((e) => (e.zone ? [e.zone] : [])))];
  // The page stays where it is while rows change; a filter that leaves fewer rows brings it back within them.
  const first = Math.min(page, Math.max(0, Math.ceil(shown.length / LEDGER_PAGE) - 1)) * LEDGER_PAGE;

  return (
    <TabColumn>
      <FilterBar
        filters={[
          {
            key: 'kind',
            label: t('facilities.filterKind'),
            value: kind,
            onChange: setKind,
            options: FACILITY_KINDS.map((k) => ({ value: k, label: t(`facilities.kind.${k}`) })),
          },
          {
            key: 'zone',
            label: t('facilities.filterZone'),
            value: zone,
            onChange: setZone,
            options: zones.map((z) => ({ value: z, label: zoneName(z) })),
          },
          {
            key: 'state',
            label: t('facilities.filterState'),
            value: live,
            onChange: setLive,
            options: (['ok', 'fault', 'offline', 'none'] as const).map((s) => ({
              value: s,
              label: t(`facilities.live.${s}`),
            })),
          },
        ]}
        prefix="ledger"
        overdueOnly={overdueOnly}
        onOverdueOnly={setOverdueOnly}
        actions={
          props.supervisor && (
            <>
              <BarButton testId="ledger-new" onClick={() => setDialog('new')}>
                {t('facilities.newEntry')}
              </BarButton>
              <BarButton testId="ledger-import" onClick={() => setDialog('import')}>
                {t('facilities.import')}
              </BarButton>
            </>
          )
        }
      />
      <Table size="small" data-testid="ledger-table">
        <Head
          cols={[
            'code',
            'name',
            'kind',
            'zone',
            'live',
            'lastEvent',
            'availability',
            'intervals',
            'maintainer',
            'order',
          ]}
        />
        <TableBody>
          {shown.slice(first, first + LEDGER_PAGE).map((e) => (
            <LedgerRow key={e.id} entry={e} order={openOrders.get(e.id)} onOrder={props.onOrder} />
          ))}
        </TableBody>
      </Table>
      {shown.length > LEDGER_PAGE && (
        <Pager first={first} total={shown.length} onPage={(to) => setPage(Math.floor(to / LEDGER_PAGE))} />
      )}
      {shown.length === 0 && <NoRows />}
      {dialog === 'import' && <ImportDialog onClose={() => setDialog(null)} />}
      {dialog === 'new' && <EntryDialog onClose={() => setDialog(null)} />}
    </TabColumn>
  );
}

/**
 * One entry's row. Memoised: a live-state change replaces only its entry (useFacilitiesData), so only that row is
 * drawn again.
 */
const LedgerRow = memo(function LedgerRow({
  entry: e,
  order,
  onOrder,
}: {
  entry: FacilityView;
  order: WorkOrderView | undefined;
  onOrder(id: string): void;
}) {
  const { t } = useTranslation();
  const zoneName = useZoneName();
  return (
    <TableRow data-testid="ledger-row" data-code={e.code} data-live={liveOf(e)}>
      {/* The tag printed on the equipment: the same in every language. */}
      <TableCell translate="no" sx={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }}>
        {e.code}
      </TableCell>
      {/* A device the hub named by its id only: an id, not words. */}
      <TableCell translate={e.name === e.deviceId ? 'no' : undefined}>{e.name}</TableCell>
      <TableCell sx={{ whiteSpace: 'nowrap' }}>{t(`facilities.kind.${e.kind}`)}</TableCell>
      <TableCell>{zoneName(e.zone)}</TableCell>
      <TableCell>
        <StatusChip value={liveOf(e)} label={t(`facilities.live.${liveOf(e)}`)} testId="ledger-live" />
      </TableCell>
      <TableCell sx={{ whiteSpace: 'nowrap' }}>{e.live ? stamp(e.live.at) : '—'}</TableCell>
      <TableCell align="right" data-testid="ledger-availability">
        {e.availability24h === null ? '—' : `${Math.round(e.availability24h * 1000) / 10}%`}
      </TableCell>
      <TableCell sx={{ whiteSpace: 'nowrap' }}>
        {t('facilities.everyDays', { inspect: e.inspectEveryDays, maintain: e.maintainEveryDays })}
      </TableCell>
      <TableCell>{e.maintainer ? `${e.maintainer.name} ${e.maintainer.phone}` : '—'}</TableCell>
      <TableCell>
        {order && (
          <Button size="small" data-testid="ledger-order" onClick={() => onOrder(order.id)}>
            {order.number}
          </Button>
        )}
      </TableCell>
    </TableRow>
  );
});

/** Rows `first`… of `total`, and the buttons to the page before and after (a ledger can hold 50,000 entries). */
function Pager({ first, total, onPage }: { first: number; total: number; onPage(first: number): void }) {
  const { t } = useTranslation();
  return (
    <Stack direction="row" spacing={1} sx={{ py: 0.5, alignItems: 'center', justifyContent: 'flex-end' }}>
      <Typography variant="body2" data-testid="ledger-page">
        {t('facilities.pageOf', {
          from: first + 1,
          to: Math.min(total, first + LEDGER_PAGE),
          total,
        })}
      </Typography>
      <Button
        size="small"
        data-testid="ledger-prev"
        disabled={first === 0}
        onClick={() => onPage(first - LEDGER_PAGE)}
      >
        {t('facilities.prevPage')}
      </Button>
      <Button
        size="small"
        data-testid="ledger-next"
        disabled={first + LEDGER_PAGE >= total}
        onClick={() => onPage(first + LEDGER_PAGE)}
      >
        {t('facilities.nextPage')}
      </Button>
    </Stack>
  );
}

function ImportDialog({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const call = useCall();
  const [file, setFile] = useState<{ format: 'csv' | 'xlsx'; data: string; name: string } | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [imported, setImported] = useState<number | null>(null);
  const pick = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    if (!f) return;
    const bytes = new Uint8Array(await f.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000)
      binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    const chosen = {
      format: /\.xlsx$/i.test(f.name) ? ('xlsx' as const) : ('csv' as const),
      data: btoa(binary),
      name: f.name,
    };
    setFile(chosen);
    setImported(null);
    setPreview(
      (await call.run(() =>
        client.call('facilities.importPreview', { format: chosen.format, data: chosen.data }),
      )) ?? null,
    );
  };
  const colName = (c: string) => t(`facilities.columnName.${c}`, { defaultValue: c });
  return (
    <ToolDialog
      title={t('facilities.importDialog.title')}
      testId="ledger-import-dialog"
      onClose={onClose}
      maxWidth="md"
      actions={
        <Button
          variant="contained"
          data-testid="ledger-import-run"
          disabled={
            !file ||
            !preview ||
            preview.invalid > 0 ||
            preview.valid === 0 ||
            Boolean(preview.refusal) ||
            imported !== null
          }
          onClick={async () => {
            if (!file) return;
            const r = await call.run(() =>
              client.call('facilities.import', { format: file.format, data: file.data }),
            );
            if (r) setImported(r.imported);
          }}
        >
          {t('facilities.importDialog.run')}
        </Button>
      }
    >
      <Typography color="text.secondary">{t('facilities.importDialog.hint')}</Typography>
      <Button component="label" variant="outlined" sx={{ alignSelf: 'flex-start' }}>
        {t('facilities.importDialog.pick')}
        <input
          hidden
          type="file"
          accept=".csv,.xlsx"
          data-testid="ledger-import-file"
          onChange={(e) => void pick(e)}
        />
      </Button>
      {file && <Typography>{file.name}</Typography>}
      {call.error && <Alert severity="error">{call.error}</Alert>}
      {preview?.refusal && (
        <Alert severity="error" data-testid="ledger-import-refusal">
          {t(`facilities.importRefusal.${preview.refusal}`)}
        </Alert>
      )}
      {preview && !preview.refusal && (
        <>
          <Typography data-testid="ledger-import-summary">
            {t('facilities.importDialog.rows', { valid: preview.valid, invalid: preview.invalid })}
          </Typography>
          {preview.ignoredColumns.length > 0 && (
            <Typography color="text.secondary">
              {t('facilities.importDialog.ignored', { cols: preview.ignoredColumns.join('、') })}
            </Typography>
          )}
          <Table size="small">
            <TableBody>
              {preview.rows
                .filter((r) => r.errors.length > 0)
                .slice(0, 200)
                .map((r) => (
                  <TableRow key={r.row} data-testid="ledger-import-error">
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>
                      {t('facilities.importDialog.row', { row: r.row })}
                    </TableCell>
                    <TableCell>
                      {r.errors
                        .map((e) => `${colName(e.column)}：${t(`facilities.importError.${e.code}`)}`)
                        .join('；')}
                    </TableCell>
                  </TableRow>
                ))}
            </TableBody>
          </Table>
        </>
      )}
      {imported !== null && (
        <Alert severity="success" data-testid="ledger-import-done">
          {t('facilities.importDialog.done', { n: imported })}
        </Alert>
      )}
    </ToolDialog>
  );
}

function EntryDialog({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const call = useCall();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<FacilityKind>('extinguisher');
  const [zone, setZone] = useState('');
  const [maintainer, setMaintainer] = useState<Contact>({ name: '', phone: '' });
  const [installedOn, setInstalledOn] = useState('');
  return (
    <FormDialog
      open
      title={t('facilities.newEntry')}
      testId="ledger-new-dialog"
      onClose={onClose}
      error={call.error}
      canSubmit={code.trim().length > 0 && name.trim().length > 0}
      onSubmit={async () => {
        const saved = await call.run(() =>
          client.call('facilities.save', {
            code: code.trim(),
            name: name.trim(),
            kind,
            ...(zone ? { zone } : {}),
            ...(installedOn ? { installedOn } : {}),
            ...(maintainer.name.trim() && maintainer.phone.trim() ? { maintainer: trimmed(maintainer) } : {}),
          }),
        );
        if (saved) onClose();
      }}
    >
      <TextInput
        label={t('facilities.field.code')}
        value={code}
        onChange={setCode}
        maxLength={40}
        autoFocus
      />
      <TextInput label={t('facilities.field.name')} value={name} onChange={setName} maxLength={80} />
      <SelectInput
        label={t('facilities.field.kind')}
        value={kind}
        onChange={setKind}
        options={FACILITY_KINDS.map((k) => ({ value: k, label: t(`facilities.kind.${k}`) }))}
      />
      <ZoneSelect value={zone} onChange={setZone} />
      <TextInput
        label={t('facilities.field.installedOn')}
        value={installedOn}
        onChange={setInstalledOn}
        maxLength={10}
      />
      <ContactInputs
        value={maintainer}
        onChange={setMaintainer}
        labels={[t('facilities.field.maintainerName'), t('facilities.field.maintainerPhone')]}
      />
    </FormDialog>
  );
}
