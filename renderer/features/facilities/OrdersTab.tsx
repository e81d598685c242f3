import { Alert, Button, Chip, TableCell, Typography } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Contact, FacilityView, WorkOrderView } from '../../../shared/contract';
import {
  ORDER_MOVES,
  ORDER_STATES,
  orderPending,
  SEVERITIES,
  type OrderAction,
  type Severity,
} from '../../../shared/domain/facilities';
import { useClient } from '../../api/client';
import { FormDialog } from '../../ui/dialogs';
import { SelectInput, TextInput } from '../../ui/fields';
import { useLocale, useNow } from '../../ui/hooks';
import { useCall } from '../../ui/useCall';
import { BarButton, DetailPanel, ListDetail, MoveButtons, OverdueChip, TabColumn } from './ListDetail';
import { callable, ContactInputs, NoteDialog, trimmed } from './forms';
import { CallCard, FilterBar, StatusChip, stamp, useZoneName } from './parts';

const ACTIONS: readonly OrderAction[] = ['assign', 'start', 'done', 'verify', 'reject', 'refuse'];

/** Work orders (报修工单): filters, the list, and the selected order's detail with its moves and timeline. */
export function OrdersTab(props: {
  orders: WorkOrderView[];
  entries: FacilityView[];
  maintainers: Contact[];
  selected: string | undefined;
  onSelect(id: string): void;
}) {
  const { t } = useTranslation();
  const zoneName = useZoneName();
  const locale = useLocale();
  const now = useNow(30_000);
  const [state, setState] = useState<string>('');
  const [zone, setZone] = useState<string>('');
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [creating, setCreating] = useState(false);
  const overdue = (o: WorkOrderView) => orderPending(o.state) && o.dueAt < now;
  const shown = props.orders.filter(
    (o) => (!state || o.state === state) && (!zone || o.zone === zone) && (!overdueOnly || overdue(o)),
  );
  const zones = [...new Set(props.orders.flatMap((o) => (o.zone ? [o.zone] : [])))];
  const selected = props.orders.find((o) => o.id === props.selected);

  return (
    <TabColumn>
      <FilterBar
        filters={[
          {
            key: 'state',
            label: t('facilities.filterState'),
            value: state,
            onChange: setState,
            options: ORDER_STATES.map((s) => ({ value: s, label: t(`facilities.orderState.${s}`) })),
          },
          {
            key: 'zone',
            label: t('facilities.filterZone'),
            value: zone,
            onChange: setZone,
            options: zones.map((z) => ({ value: z, label: zoneName(z) })),
          },
        ]}
        prefix="orders"
        overdueOnly={overdueOnly}
        onOverdueOnly={setOverdueOnly}
        actions={
          <BarButton testId="order-new" onClick={() => setCreating(true)}>
            {t('facilities.newOrder')}
          </BarButton>
        }
      />
      <ListDetail
        testId="orders-table"
        cols={['number', 'title', 'severity', 'state', 'due', 'assignee']}
        rows={shown}
        selected={props.selected}
        onSelect={props.onSelect}
        data={(o) => ({ 'data-testid': 'order-row', 'data-order-id': o.id, 'data-state': o.state })}
        cells={(o) => (
          <>
            <TableCell sx={{ whiteSpace: 'nowrap', fontFamily: 'monospace' }}>{o.number}</TableCell>
            <TableCell>{locale === 'en' ? (o.titleEn ?? o.title) : o.title}</TableCell>
            <TableCell>
              <StatusChip value={o.severity} label={t(`facilities.severity.${o.severity}`)} />
            </TableCell>
            <TableCell>
              <StatusChip
                value={o.state}
                label={t(`facilities.orderState.${o.state}`)}
                testId="order-state"
              />
            </TableCell>
            <TableCell sx={{ whiteSpace: 'nowrap' }}>
              {stamp(o.dueAt)}
              {overdue(o) && <OverdueChip />}
            </TableCell>
            <TableCell>{o.assignee?.name ?? '—'}</TableCell>
          </>
        )}
        emptyTestId="orders-empty"
        detail={
          selected && (
            <OrderDetail
              key={selected.id}
              order={selected}
              maintainers={props.maintainers}
              overdue={overdue(selected)}
            />
          )
        }
      />
      <NewOrderDialog
        open={creating}
        entries={props.entries}
        onClose={() => setCreating(false)}
        onOpened={(id) => {
          setCreating(false);
          props.onSelect(id);
        }}
      />
    </TabColumn>
  );
}

function OrderDetail({
  order,
  maintainers,
  overdue,
}: {
  order: WorkOrderView;
  maintainers: Contact[];
  overdue: boolean;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const zoneName = useZoneName();
  const locale = useLocale();
  const { run } = useCall('notice');
  const [asking, setAsking] = useState<OrderAction | null>(null);
  const act = (action: OrderAction, more: { assignee?: Contact; note?: string } = {}) =>
    run(() => client.call('workOrders.act', { id: order.id, action, ...more }));
  const possible = ACTIONS.filter((a) => ORDER_MOVES[a].from.includes(order.state));

  return (
    <DetailPanel
      data={{ 'data-testid': 'order-detail', 'data-order-id': order.id }}
      title={`${order.number} · ${locale === 'en' ? (order.titleEn ?? order.title) : order.title}`}
      chips={
        <>
          <StatusChip
            value={order.state}
            label={t(`facilities.orderState.${order.state}`)}
            testId="order-detail-state"
          />
          <StatusChip value={order.severity} label={t(`facilities.severity.${order.severity}`)} />
          {overdue && <StatusChip value="open" label={t('facilities.overdue')} />}
          {order.escalatedAt !== undefined && <Chip label={t('facilities.escalated')} variant="outlined" />}
        </>
      }
      moves={
        <MoveButtons
          moves={possible}
          back={(a) => a === 'refuse' || a === 'reject'}
          testPrefix="order-act"
          label={(a) => t(`facilities.act.${a}`)}
          onMove={(a) => (a === 'assign' || a === 'refuse' ? setAsking(a) : void act(a))}
        />
      }
      timeline={order.timeline}
      dialogs={
        <>
          {asking === 'assign' && (
            <AssignDialog
              maintainers={maintainers}
              onClose={() => setAsking(null)}
              onSubmit={async (assignee, note) => {
                if (await act('assign', { assignee, ...(note ? { note } : {}) })) setAsking(null);
              }}
            />
          )}
          {asking === 'refuse' && (
            <NoteDialog
              title={t('facilities.act.refuse')}
              label={t('facilities.field.reason')}
              testId="order-refuse-dialog"
              fieldTestId="order-refuse-reason"
              min={2}
              maxLength={500}
              onClose={() => setAsking(null)}
              onSubmit={async (note) => {
                if (await act('refuse', { note })) setAsking(null);
              }}
            />
          )}
        </>
      }
    >
      <Typography variant="body2" color="text.secondary">
        {t(`facilities.orderSource.${order.source}`)} · {zoneName(order.zone)} · {t('facilities.col.due')}{' '}
        {stamp(order.dueAt)}
      </Typography>
      {order.recoveredAt !== undefined && orderPending(order.state) && (
        <Alert
          severity="success"
          data-testid="order-recovered"
          action={
            <Button
              color="inherit"
              data-testid="order-close-recovered"
              onClick={() => void act('done', { note: t('facilities.recovered') })}
            >
              {t('facilities.closeRecovered')}
            </Button>
          }
        >
          {t('facilities.recovered')}
        </Alert>
      )}
      {order.assignee && <CallCard contact={order.assignee} testId="order-call-card" />}
    </DetailPanel>
  );
}

function AssignDialog(props: {
  maintainers: Contact[];
  onClose(): void;
  onSubmit(assignee: Contact, note: string): Promise<void>;
}) {
  const { t } = useTranslation();
  const first = props.maintainers[0];
  const [pick, setPick] = useState(first ? '0' : '');
  const [assignee, setAssignee] = useState<Contact>({ name: first?.name ?? '', phone: first?.phone ?? '' });
  const [note, setNote] = useState('');
  return (
    <FormDialog
      open
      title={t('facilities.act.assign')}
      testId="order-assign-dialog"
      submitTestId="order-assign-submit"
      onClose={props.onClose}
      canSubmit={callable(assignee)}
      onSubmit={() => props.onSubmit(trimmed(assignee), note.trim())}
    >
      {props.maintainers.length > 0 && (
        <SelectInput
          label={t('facilities.field.assignee')}
          testId="order-assign-pick"
          value={pick}
          onChange={(v) => {
            setPick(v);
            const m = props.maintainers[Number(v)];
            if (m) setAssignee({ name: m.name, phone: m.phone });
          }}
          options={props.maintainers.map((m, i) => ({ value: String(i), label: `${m.name} ${m.phone}` }))}
        />
      )}
      <ContactInputs
        value={assignee}
        onChange={setAssignee}
        labels={[t('facilities.field.assigneeName'), t('facilities.field.assigneePhone')]}
        testIds={['order-assign-name', 'order-assign-phone']}
      />
      <TextInput
        label={t('facilities.field.note')}
        testId="order-assign-note"
        value={note}
        onChange={setNote}
        maxLength={500}
      />
    </FormDialog>
  );
}

function NewOrderDialog(props: {
  open: boolean;
  entries: FacilityView[];
  onClose(): void;
  onOpened(id: string): void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const call = useCall();
  const [title, setTitle] = useState('');
  const [severity, setSeverity] = useState<Severity>('normal');
  const [entryId, setEntryId] = useState('');
  return (
    <FormDialog
      open={props.open}
      title={t('facilities.newOrder')}
      testId="order-new-dialog"
      submitTestId="order-new-submit"
      onClose={props.onClose}
      error={call.error}
      canSubmit={title.trim().length > 0}
      onSubmit={async () => {
        const order = await call.run(() =>
          client.call('workOrders.open', { title: title.trim(), severity, ...(entryId ? { entryId } : {}) }),
        );
        if (order) {
          setTitle('');
          props.onOpened(order.id);
        }
      }}
    >
      <TextInput
        label={t('facilities.field.title')}
        testId="order-new-title"
        value={title}
        onChange={setTitle}
        maxLength={200}
        autoFocus
      />
      <SelectInput
        label={t('facilities.field.severity')}
        testId="order-new-severity"
        value={severity}
        onChange={setSeverity}
        options={SEVERITIES.map((s) => ({ value: s, label: t(`facilities.severity.${s}`) }))}
      />
      <SelectInput
        label={t('facilities.field.entry')}
        testId="order-new-entry"
        value={entryId}
        onChange={setEntryId}
        empty={t('facilities.field.none')}
        options={props.entries.map((e) => ({ value: e.id, label: `${e.code} · ${e.name}` }))}
      />
    </FormDialog>
  );
}
