import { Box, Button, Chip, Tooltip, Typography } from '@mui/material';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlarmView } from '../../../shared/contract';
import type { AlarmType } from '../../../shared/domain/alarm';
import { ALARM_STATES, type AlarmState } from '../../../shared/domain/alarm-lifecycle';
import { useStore } from '../../api/store';
import { AreaPanel } from '../../ui/AreaPanel';
import { DialogButtons, TextDialog, ToolDialog } from '../../ui/dialogs';
import { SelectInput, TextInput } from '../../ui/fields';
import { formatClock, useLocale, useNow, useText } from '../../ui/hooks';
import { pickAlarmText } from '../../../shared/domain/text';
import { useCall } from '../../ui/useCall';
import { useSystem, ZoneSelect } from '../system';
import { AlarmRow, useRowHeight } from './AlarmRow';
import { DisasterDialog, ManualAlarmDialog, ResolveAndNoteDialogs } from './dialogs';
import { HistoryDialog } from './HistoryDialog';
import { TypeFilter } from './filters';
import { useAlarms } from './store';

type DialogKind = 'resolve' | 'note' | 'manual' | 'mute' | 'history' | 'help' | 'disaster' | null;

/** Typing in a field must not trigger queue shortcuts. */
const typing = (e: KeyboardEvent) => {
  const el = e.target as HTMLElement | null;
  return Boolean(
    el &&
    (el.tagName === 'INPUT' ||
      el.tagName === 'TEXTAREA' ||
      el.isContentEditable ||
      el.closest('[role=dialog]')),
  );
};

const NO_TARGETS = { acknowledgeSec: {}, resolveSec: {} };

/**
 * The alarm queue: every open alarm by priority then age, with live response clocks and aging colours,
 * filters and search; driven entirely from the keyboard (see the ? overlay). Only visible rows render, so
 * ten thousand open alarms scroll as smoothly as ten.
 */
export function AlarmQueue() {
  const { t } = useTranslation();
  const store = useAlarms();
  // In the queue's order already: the store merges each batch in (a flood's batch no longer sorts them all).
  const sorted = useStore(store.queue);
  const meta = useStore(store.meta);
  const site = useStore(useSystem().site);
  const text = useText();
  const locale = useLocale();
  const now = useNow(1000);
  const rowHeight = useRowHeight();
  // Read on each tick with `now`: response clocks run on the core's steady clock (immune to clock steps). Only on the
  // tick: read on every render it differed each time, and every visible row rendered again on every batch.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `now` is the tick this is read on, not an input
  const steadyNow = useMemo(() => store.steadyNow(), [store, now]);
  const { run } = useCall('notice');
  const [dialog, setDialog] = useState<DialogKind>(null);
  const [search, setSearch] = useState('');
  const [state, setState] = useState<AlarmState | ''>('');
  const [type, setType] = useState<AlarmType | ''>('');
  const [zone, setZone] = useState('');
  const [priority, setPriority] = useState<number | ''>('');
  const [cursor, setCursor] = useState<string | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState({ top: 0, height: 600 });

  const zoneNames = useMemo(
    () => new Map((site?.zones ?? []).map((z) => [z.id, text(z.name)])),
    [site, text],
  );
  const visible = useMemo(() => {
    const q = search.trim().toLowerCase();
    // Unfiltered (the usual case in a flood), the queue itself: no copy of ten thousand rows per batch.
    if (!q && !state && !type && !zone && !priority) return sorted;
    return sorted.filter(
      (a) =>
        (!state || a.state === state) &&
        (!type || a.type === type) &&
        (!zone || a.zone === zone) &&
        (!priority || a.priority === priority) &&
        (!q ||
          [
            t(`alarmType.${a.type}`),
            a.type,
            zoneNames.get(a.zone ?? '') ?? '',
            a.zone ?? '',
            a.deviceId ?? '',
            pickAlarmText(a, locale) ?? '',
          ]
            .join(' ')
            .toLowerCase()
            .includes(q)),
    );
  }, [sorted, state, type, zone, priority, search, t, zoneNames, locale]);

  const current = visible.find((a) => a.id === cursor) ?? visible[0];
  const index = current ? visible.indexOf(current) : -1;

  const moveTo = useCallback(
    (i: number) => {
      const a = visible[Math.max(0, Math.min(visible.length - 1, i))];
      if (!a) return;
      setCursor(a.id);
      const el = scroller.current;
      const pos = visible.indexOf(a) * rowHeight;
      if (el && (pos < el.scrollTop || pos + rowHeight > el.scrollTop + el.clientHeight))
        el.scrollTop = pos - el.clientHeight / 2;
    },
    [visible, rowHeight],
  );
  const open = useCallback((a: AlarmView | undefined) => a && store.select(a.id), [store]);
  const ack = useCallback(
    (a: AlarmView | undefined) => a && void run(() => store.acknowledge(a.id)),
    [run, store],
  );
  // Dispatching means sending someone: open the alarm with its guard picker, keyboard on the best guard.
  const dispatch = useCallback(
    (a: AlarmView | undefined) => {
      if (!a) return;
      store.select(a.id);
      store.requestDispatchPicker(a.id);
    },
    [store],
  );
  const onScene = useCallback(
    (a: AlarmView | undefined) => a && void run(() => store.onScene(a.id)),
    [run, store],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (dialog || typing(e) || e.altKey || e.ctrlKey || e.metaKey) return;
      const keys: Record<string, () => void> = {
        ArrowDown: () => moveTo(index + 1),
        j: () => moveTo(index + 1),
        ArrowUp: () => moveTo(index - 1),
        k: () => moveTo(index - 1),
        Home: () => moveTo(0),
        End: () => moveTo(visible.length - 1),
        Enter: () => open(current),
        a: () => ack(current),
        d: () => dispatch(current),
        s: () => onScene(current),
        r: () => current && setDialog('resolve'),
        n: () => current && setDialog('note'),
        m: () => setDialog('manual'),
        h: () => setDialog('history'),
        '?': () => setDialog('help'),
      };
      const run = keys[e.key.length === 1 ? e.key.toLowerCase() : e.key];
      if (e.key === '?' || run) {
        e.preventDefault();
        (keys[e.key] ?? run)?.();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dialog, index, visible.length, current, moveTo, open, ack, dispatch, onScene]);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return undefined;
    const update = () => setScroll({ top: el.scrollTop, height: el.clientHeight });
    update();
    const ro = new ResizeObserver(update);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scroll.top / rowHeight) - 5);
  const last = Math.min(visible.length, Math.ceil((scroll.top + scroll.height) / rowHeight) + 5);
  const muteEnds = store.muteEndsAt(now);
  const muted = muteEnds !== undefined;

  const toolbar = (
    <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5, alignItems: 'center' }}>
      <Chip
        data-testid="alarm-open-count"
        color={sorted.some((a) => a.state === 'new' && !a.held) ? 'error' : 'default'}
        label={t('alarms.openCount', { count: sorted.length })}
        sx={{ fontSize: '0.9rem' }}
      />
      <DialogButtons
        size="small"
        onOpen={setDialog}
        buttons={[
          ['manual', t('alarms.manual'), 'alarm-manual'],
          ['history', t('alarms.history'), 'alarm-history'],
        ]}
      />
      <Tooltip title={muted ? t('alarms.muted', { time: formatClock(muteEnds!, false) }) : ''}>
        <Button
          size="small"
          color={muted ? 'warning' : 'inherit'}
          onClick={() => setDialog('mute')}
          data-testid="alarm-mute"
        >
          {muted ? t('alarms.muted', { time: formatClock(muteEnds!, false) }) : t('alarms.mute')}
        </Button>
      </Tooltip>
      <Button
        size="small"
        color={meta?.disaster.on ? 'warning' : 'inherit'}
        onClick={() => setDialog('disaster')}
        data-testid="alarm-disaster"
      >
        {t('alarms.disaster')}
      </Button>
      <Button size="small" onClick={() => setDialog('help')} data-testid="alarm-help">
        ?
      </Button>
    </Box>
  );

  return (
    <AreaPanel testId="alarm-queue" title={t('areas.alarmQueue')} gridArea="alarms" actions={toolbar}>
      <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%' }}>
        <QueueFilters
          search={search}
          setSearch={setSearch}
          state={state}
          setState={setState}
          priority={priority}
          setPriority={setPriority}
          type={type}
          setType={setType}
          zone={zone}
          setZone={setZone}
        />
        <Box
          ref={scroller}
          role="listbox"
          aria-label={t('areas.alarmQueue')}
          // Scrolls, and its rows are chosen by the queue's keys: the list itself takes the focus.
          tabIndex={0}
          data-testid="alarm-list"
          onScroll={(e) =>
            setScroll({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })
          }
          sx={{ flex: 1, overflow: 'auto', position: 'relative', minHeight: 0 }}
        >
          {visible.length === 0 ? (
            <Typography sx={{ p: 2 }} color="text.secondary">
              {sorted.length > 0 ? t('alarms.noMatch', { count: sorted.length }) : t('alarms.empty')}
            </Typography>
          ) : (
            <Box sx={{ height: visible.length * rowHeight, position: 'relative' }}>
              <Box sx={{ position: 'absolute', top: first * rowHeight, left: 0, right: 0 }}>
                {visible.slice(first, last).map((a) => (
                  <AlarmRow
                    key={a.id}
                    alarm={a}
                    now={now}
                    steadyNow={steadyNow}
                    zoneName={zoneNames.get(a.zone ?? '') ?? ''}
                    selected={a.id === current?.id}
                    targets={meta?.targets ?? NO_TARGETS}
                    onSelect={setCursor}
                    onOpen={store.select}
                  />
                ))}
              </Box>
            </Box>
          )}
        </Box>
        {current && (
          <Box
            sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5, p: 0.5, borderTop: 1, borderColor: 'divider' }}
          >
            <Button
              size="small"
              variant="contained"
              color="error"
              onClick={() => ack(current)}
              disabled={current.state !== 'new'}
              data-testid="alarm-ack"
            >
              {t('alarms.acknowledge')} (A)
            </Button>
            <Button
              size="small"
              onClick={() => dispatch(current)}
              disabled={current.state === 'on_scene'}
              data-testid="alarm-dispatch"
            >
              {t('alarms.dispatch')} (D)
            </Button>
            <Button size="small" onClick={() => onScene(current)} disabled={current.state === 'on_scene'}>
              {t('alarms.onScene')} (S)
            </Button>
            <Button size="small" onClick={() => setDialog('resolve')} data-testid="alarm-resolve">
              {t('alarms.resolve')} (R)
            </Button>
            <Button size="small" onClick={() => open(current)}>
              {t('alarms.detail')} ↵
            </Button>
          </Box>
        )}
      </Box>
      <QueueDialogs
        dialog={dialog}
        setDialog={setDialog}
        current={current}
        disasterOn={meta?.disaster.on ?? false}
      />
    </AreaPanel>
  );
}

interface FilterValues {
  search: string;
  setSearch(v: string): void;
  state: AlarmState | '';
  setState(v: AlarmState | ''): void;
  priority: number | '';
  setPriority(v: number | ''): void;
  type: AlarmType | '';
  setType(v: AlarmType | ''): void;
  zone: string;
  setZone(v: string): void;
}

/** The queue's filters: apart, so that a flood's batches (which re-render the list) leave these five fields alone. */
const QueueFilters = memo(function QueueFilters(f: FilterValues) {
  const { t } = useTranslation();
  const { search, setSearch, state, setState, priority, setPriority, type, setType, zone, setZone } = f;
  return (
    <Box
      sx={{
        display: 'flex',
        gap: 0.5,
        p: 0.5,
        flexWrap: 'wrap',
        borderBottom: 1,
        borderColor: 'divider',
        // A filter keeps room for its whole value ("全部状态", "All priorities"): the row wraps instead.
        '& > .MuiFormControl-root:has(.MuiSelect-select)': { flex: '1 0 auto' },
      }}
    >
      <TextInput
        placeholder={t('alarms.search')}
        value={search}
        onChange={setSearch}
        sx={{ flex: '1 1 100%' }}
        testId="alarm-search"
      />
      <SelectInput<AlarmState | ''>
        size="small"
        value={state}
        onChange={setState}
        sx={{ flex: 1 }}
        empty={t('alarms.allStates')}
        options={ALARM_STATES.filter((s) => s !== 'resolved').map((s) => ({
          value: s,
          label: t(`alarmState.${s}`),
        }))}
      />
      <SelectInput<number | ''>
        size="small"
        value={priority}
        onChange={setPriority}
        sx={{ flex: 1 }}
        empty={t('alarms.allPriorities')}
        options={[1, 2, 3, 4, 5].map((p) => ({ value: p, label: `P${p}` }))}
      />
      <TypeFilter value={type} onChange={setType} />
      <ZoneSelect size="small" value={zone} onChange={setZone} />
    </Box>
  );
});

/**
 * The queue's dialogs, apart from the list: a flood's batches re-render the list, and six closed dialogs re-rendered
 * with it on every batch.
 */
const QueueDialogs = memo(function QueueDialogs(p: {
  dialog: DialogKind;
  setDialog(d: DialogKind): void;
  current: AlarmView | undefined;
  disasterOn: boolean;
}) {
  const { t } = useTranslation();
  const store = useAlarms();
  const { run } = useCall('notice');
  const { dialog, setDialog, current, disasterOn } = p;
  const close = useCallback(() => setDialog(null), [setDialog]);
  return (
    <>
      <ResolveAndNoteDialogs
        alarm={current}
        open={dialog === 'resolve' || dialog === 'note' ? dialog : null}
        onClose={close}
      />
      <TextDialog
        open={dialog === 'mute'}
        title={t('alarms.muteTitle')}
        label={t('alarms.muteReason', { n: 3 })}
        testId="mute-dialog"
        min={2}
        onClose={close}
        onSubmit={(reason) => void run(() => store.mute(reason, 3))}
      />
      <ManualAlarmDialog
        open={dialog === 'manual'}
        onClose={close}
        onRaise={(input) => void run(() => store.raise(input))}
      />
      <HistoryDialog open={dialog === 'history'} onClose={close} />
      <DisasterDialog
        open={dialog === 'disaster'}
        on={disasterOn}
        onClose={close}
        onSubmit={(input) => void run(() => store.setDisasterMode(input))}
      />
      <ToolDialog
        open={dialog === 'help'}
        onClose={close}
        testId="help-overlay"
        title={t('alarms.helpTitle')}
        maxWidth="sm"
        closeLabel={null}
        contentSx={{}}
      >
        {(
          [
            'move',
            'open',
            'acknowledge',
            'dispatch',
            'onScene',
            'resolve',
            'note',
            'manual',
            'history',
            'help',
            'close',
            'layouts',
            'arrangements',
            'panes',
            'desks',
            'replay',
            'violations',
            'reports',
            'training',
            'posts',
          ] as const
        ).map((k) => (
          <Typography key={k} sx={{ py: 0.25 }}>
            {t(`shortcuts.${k}`)}
          </Typography>
        ))}
      </ToolDialog>
    </>
  );
});
