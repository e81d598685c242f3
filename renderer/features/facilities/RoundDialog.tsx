import { Box, Button, Chip, List, ListItemButton, ListItemText, Typography } from '@mui/material';
import { useCallback, useEffect, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodInput, RoundResultView, RoundRunView, RoundSubject } from '../../../shared/contract';
import { VIDEO_PROBLEMS, type VideoProblem } from '../../../shared/domain/rounds';
import { useClient } from '../../api/client';
import { useStore } from '../../api/store';
import { ToolDialog } from '../../ui/dialogs';
import { TextInput } from '../../ui/fields';
import { useText } from '../../ui/hooks';
import { useNotify } from '../../ui/notify';
import { useCall } from '../../ui/useCall';
import { CameraTile, useCameras } from '../cameras';
import { useSystem } from '../system';
import { StatusChip, useZoneName } from './parts';
import { roundOpen } from './store';

const RESULT_COLOUR: Record<RoundResultView['result'] | 'none', string> = {
  normal: 'verified',
  pass: 'verified',
  problem: 'open',
  fail: 'open',
  none: 'none',
};

/** Keys typed into a field are the field's; a button's Enter is its own click. */
const ownKey = (e: KeyboardEvent) => {
  // A key with no element focused comes from the document or the window itself.
  const el = e.target instanceof Element ? e.target : null;
  return !!el?.closest('input, textarea') || (e.key === 'Enter' && !!el?.closest('button'));
};

/**
 * A step's keys, on the window: `step` takes the step's own (a lower-case key; true when it took it), then ← and →
 * move between subjects and F finishes, in every step. None while `off` (a form of the step has the keys).
 */
function useStepKeys(
  step: (k: string) => boolean,
  { onMove, onFinish, readOnly }: { onMove(by: number): void; onFinish(): void; readOnly: boolean },
  off = false,
) {
  useEffect(() => {
    if (off) return undefined;
    const onKey = (e: KeyboardEvent) => {
      if (ownKey(e) || e.altKey || e.ctrlKey || e.metaKey) return;
      const k = e.key.toLowerCase();
      if (!step(k)) {
        if (k === 'arrowleft') onMove(-1);
        else if (k === 'arrowright') onMove(1);
        else if (!readOnly && k === 'f') onFinish();
        else return;
      }
      e.preventDefault();
      // The queue's keys (Enter opens an alarm, arrows move) listen on the window too: a round's key is the round's.
      e.stopPropagation();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [step, onMove, onFinish, readOnly, off]);
}

/**
 * A round at the desk, over the facilities view: a video round steps through its cameras in one large picture,
 * an inspection through its facilities with their checklists. Every mark is a key (shown on its button).
 */
export function RoundDialog() {
  const open = useStore(roundOpen);
  const client = useClient();
  const [run, setRun] = useState<RoundRunView | null>(null);
  const { run: call } = useCall('notice');
  useEffect(() => {
    if (!open) return;
    void call(async () => setRun(await client.call('rounds.get', { runId: open.runId })));
  }, [open, client, call]);
  // Until the round asked for has arrived, the one shown before (another round) is not shown.
  if (!open || !run || run.id !== open.runId) return null;
  return <RoundBody key={run.id} run={run} onRun={setRun} />;
}

function RoundBody({ run, onRun }: { run: RoundRunView; onRun(run: RoundRunView): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const text = useText();
  const notify = useNotify();
  const { run: call, busy } = useCall('notice');
  const [index, setIndex] = useState(() => firstUnchecked(run));
  const subject = run.subjects[index];
  const video = run.kind === 'video';
  // A finished round is its record: looked at, not marked.
  const readOnly = run.finishedAt !== undefined;
  const resultOf = (s: RoundSubject, itemId = '') =>
    run.results.find((r) => r.subjectId === s.id && r.itemId === itemId);
  const subjectResult = (s: RoundSubject): RoundResultView['result'] | 'none' => {
    const rs = run.results.filter((r) => r.subjectId === s.id);
    if (rs.some((r) => r.result === 'problem' || r.result === 'fail')) return video ? 'problem' : 'fail';
    if (video) return rs[0]?.result ?? 'none';
    return rs.length >= s.items.length ? 'pass' : 'none';
  };
  const checked = run.subjects.filter((s) => subjectResult(s) !== 'none').length;
  const problems = run.subjects.filter((s) => ['problem', 'fail'].includes(subjectResult(s))).length;

  const mark = useCallback(
    async (input: Omit<MethodInput<'rounds.mark'>, 'runId'>) => {
      const result = await call(() => client.call('rounds.mark', { runId: run.id, ...input }));
      if (!result) return undefined;
      const results = [
        ...run.results.filter((r) => !(r.subjectId === result.subjectId && r.itemId === result.itemId)),
        result,
      ];
      onRun({ ...run, results });
      return result;
    },
    [call, client, run, onRun],
  );
  const finish = async () => {
    const done = await call(() => client.call('rounds.finish', { runId: run.id }));
    if (!done) return;
    // By code: the notice is worded when shown, so it follows a language switch while it is up.
    notify({ level: 'info', code: 'rounds-finished', message: t('rounds.finished') });
    roundOpen.set(null);
  };
  const move = (by: number) => setIndex((i) => Math.max(0, Math.min(run.subjects.length - 1, i + by)));

  return (
    <ToolDialog
      title={t(video ? 'rounds.videoTitle' : 'rounds.inspectionTitle', { name: text(run.name) })}
      testId="round-dialog"
      onClose={() => roundOpen.set(null)}
      maxWidth="xl"
      contentSx={{ display: 'flex', gap: 2, minHeight: '70vh' }}
      actions={
        <>
          <Typography sx={{ mr: 'auto', pl: 2 }} data-testid="round-progress">
            {t('rounds.checked', { checked, total: run.subjects.length, problems })}
            {readOnly &&
              ` · ${t('rounds.finishedAt', { who: run.by, time: new Date(run.finishedAt!).toLocaleString('sv-SE') })}`}
          </Typography>
          <Button onClick={() => move(-1)} disabled={index === 0} data-testid="round-prev">
            {t('rounds.prev')} (←)
          </Button>
          <Button
            onClick={() => move(1)}
            disabled={index >= run.subjects.length - 1}
            data-testid="round-next"
          >
            {t('rounds.next')} (→)
          </Button>
          {!readOnly && (
            <Button
              variant="contained"
              onClick={() => void finish()}
              disabled={busy}
              data-testid="round-finish"
            >
              {t('rounds.finish')} (F)
            </Button>
          )}
        </>
      }
    >
      <List dense sx={{ width: 260, flexShrink: 0, overflow: 'auto' }} data-testid="round-subjects">
        {run.subjects.map((s, i) => {
          const r = subjectResult(s);
          return (
            <ListItemButton
              key={s.id}
              selected={i === index}
              onClick={() => setIndex(i)}
              data-testid="round-subject"
              data-subject-id={s.id}
              data-result={r}
            >
              <ListItemText primary={s.code ? `${s.code} ${text(s.name)}` : text(s.name)} />
              <Chip
                size="small"
                color={r === 'none' ? 'default' : ['problem', 'fail'].includes(r) ? 'error' : 'success'}
                label={t(`rounds.result.${r}`)}
              />
            </ListItemButton>
          );
        })}
      </List>
      {!subject ? (
        <Typography color="text.secondary">{t('rounds.empty')}</Typography>
      ) : video ? (
        <VideoStep
          key={subject.id}
          subject={subject}
          position={{ n: index + 1, total: run.subjects.length }}
          result={resultOf(subject)}
          busy={busy}
          readOnly={readOnly}
          onMark={async (input) => {
            if (await mark(input)) move(1);
          }}
          onMove={move}
          onFinish={() => void finish()}
        />
      ) : (
        <InspectionStep
          key={subject.id}
          subject={subject}
          position={{ n: index + 1, total: run.subjects.length }}
          resultOf={(itemId) => resultOf(subject, itemId)}
          busy={busy}
          readOnly={readOnly}
          onMark={mark}
          onNextSubject={() => move(1)}
          onMove={move}
          onFinish={() => void finish()}
        />
      )}
    </ToolDialog>
  );
}

function firstUnchecked(run: RoundRunView): number {
  const i = run.subjects.findIndex((s) => !run.results.some((r) => r.subjectId === s.id));
  return i < 0 ? 0 : i;
}

type MarkInput = Omit<MethodInput<'rounds.mark'>, 'runId'>;

/** One camera, large: normal, or a problem with a note and (on the same step) a work order or a hazard. */
function VideoStep(props: {
  subject: RoundSubject;
  position: { n: number; total: number };
  result: RoundResultView | undefined;
  busy: boolean;
  readOnly: boolean;
  onMark(input: MarkInput): Promise<void>;
  onMove(by: number): void;
  onFinish(): void;
}) {
  const { subject, result } = props;
  const { t } = useTranslation();
  const text = useText();
  const zoneName = useZoneName();
  const cameras = useCameras();
  const site = useStore(useSystem().site);
  const camera = site?.cameras.find((c) => c.id === subject.id);
  const [problem, setProblem] = useState<VideoProblem | null>(null);
  const [note, setNote] = useState('');

  const record = (open?: 'order' | 'hazard') => {
    if (!problem) return;
    // The still is the picture on screen now; without one, the time and camera find it in the recording.
    const png = cameras.capture(subject.id) ?? undefined;
    void props.onMark({
      subjectId: subject.id,
      result: 'problem',
      problem,
      ...(note.trim() ? { note: note.trim() } : {}),
      ...(png ? { png } : {}),
      ...(open ? { open } : {}),
    });
  };
  const { onMove, onFinish, onMark, readOnly } = props;
  const stepKey = useCallback(
    (k: string) => {
      if (!readOnly && (k === 'enter' || k === '1')) void onMark({ subjectId: subject.id, result: 'normal' });
      else if (!readOnly && k.length === 1 && k >= '2' && k <= '5')
        setProblem(VIDEO_PROBLEMS[Number(k) - 2]!);
      else return false;
      return true;
    },
    [subject.id, onMark, readOnly],
  );
  // The problem form, once open, has the keys (Escape, Enter, Alt+O, Alt+H).
  useStepKeys(stepKey, { onMove, onFinish, readOnly }, problem !== null);

  const formKeys = (e: ReactKeyboardEvent) => {
    if (e.key === 'Escape') setProblem(null);
    else if (e.key === 'Enter' && !e.altKey) record();
    else if (e.altKey && e.key.toLowerCase() === 'o') record('order');
    else if (e.altKey && e.key.toLowerCase() === 'h') record('hazard');
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <Box
      sx={{ flex: 1, display: 'flex', flexDirection: 'column', gap: 1, minWidth: 0 }}
      data-testid="round-step"
      data-subject-id={subject.id}
    >
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2 }}>
        <Typography variant="h6" data-testid="round-camera-name">
          {text(subject.name)}
        </Typography>
        <Typography color="text.secondary">
          {zoneName(subject.zone)} · {t('rounds.progress', props.position)}
        </Typography>
        {result && (
          <StatusChip
            value={RESULT_COLOUR[result.result]}
            label={
              result.problem ? t(`rounds.problem.${result.problem}`) : t(`rounds.result.${result.result}`)
            }
            testId="round-step-result"
          />
        )}
        {result?.orderNumber && (
          <Chip label={t('rounds.opened', { number: result.orderNumber })} data-testid="round-step-order" />
        )}
        {result?.hazardNumber && (
          <Chip label={t('rounds.opened', { number: result.hazardNumber })} data-testid="round-step-hazard" />
        )}
        {result?.result === 'problem' && (
          <Typography
            variant="body2"
            color="text.secondary"
            data-testid="round-step-still"
            data-file={result.snapshot ?? ''}
          >
            {result.snapshot ? t('rounds.still') : t('rounds.stillNone')}
          </Typography>
        )}
        {result?.note && <Typography data-testid="round-step-note">{result.note}</Typography>}
      </Box>
      <Box sx={{ flex: 1, minHeight: 320, position: 'relative', display: 'flex' }}>
        <CameraTile camera={camera} index={-1} profile="main" large />
      </Box>
      {problem ? (
        <Box
          sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}
          onKeyDown={formKeys}
          data-testid="round-problem-form"
        >
          <Typography sx={{ fontWeight: 600 }}>
            {t('rounds.problemTitle', { problem: t(`rounds.problem.${problem}`), name: text(subject.name) })}
          </Typography>
          <TextInput
            label={t('rounds.note')}
            value={note}
            onChange={setNote}
            maxLength={500}
            autoFocus
            testId="round-note"
            sx={{ flex: 1, minWidth: 240 }}
          />
          <Button
            variant="contained"
            onClick={() => record()}
            disabled={props.busy}
            data-testid="round-record"
          >
            {t('rounds.recordOnly')} (Enter)
          </Button>
          <Button
            variant="outlined"
            onClick={() => record('order')}
            disabled={props.busy}
            data-testid="round-record-order"
          >
            {t('rounds.withOrder')} (Alt+O)
          </Button>
          <Button
            variant="outlined"
            onClick={() => record('hazard')}
            disabled={props.busy}
            data-testid="round-record-hazard"
          >
            {t('rounds.withHazard')} (Alt+H)
          </Button>
          <Button onClick={() => setProblem(null)} data-testid="round-problem-cancel">
            {t('rounds.cancel')} (Esc)
          </Button>
        </Box>
      ) : readOnly ? null : (
        <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
          <Button
            variant="contained"
            color="success"
            size="large"
            disabled={props.busy}
            onClick={() => void props.onMark({ subjectId: subject.id, result: 'normal' })}
            data-testid="round-normal"
          >
            {t('rounds.normal')} (1)
          </Button>
          {VIDEO_PROBLEMS.map((p, i) => (
            <Button
              key={p}
              variant="outlined"
              color="warning"
              size="large"
              onClick={() => setProblem(p)}
              data-testid={`round-problem-${p}`}
            >
              {t(`rounds.problem.${p}`)} ({i + 2})
            </Button>
          ))}
        </Box>
      )}
      <Typography variant="body2" color="text.secondary">
        {t('rounds.keysVideo')}
      </Typography>
    </Box>
  );
}

/** One facility with its kind's checklist: each item passed or failed (or its reading); a failure opens its order. */
function InspectionStep(props: {
  subject: RoundSubject;
  position: { n: number; total: number };
  resultOf(itemId: string): RoundResultView | undefined;
  busy: boolean;
  readOnly: boolean;
  onMark(input: MarkInput): Promise<RoundResultView | undefined>;
  onNextSubject(): void;
  onMove(by: number): void;
  onFinish(): void;
}) {
  const { subject } = props;
  const { t } = useTranslation();
  const text = useText();
  const zoneName = useZoneName();
  const [selected, setSelected] = useState(0);
  const [note, setNote] = useState('');
  const [readings, setReadings] = useState<Record<string, string>>({});
  const { onMark, onNextSubject, onMove, onFinish, readOnly } = props;
  const markItem = useCallback(
    async (itemId: string, input: { result?: 'pass' | 'fail'; value?: number }) => {
      const done = await onMark({
        subjectId: subject.id,
        itemId,
        ...input,
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      if (!done) return;
      const at = subject.items.findIndex((i) => i.id === itemId);
      if (at >= subject.items.length - 1) onNextSubject();
      else setSelected(at + 1);
    },
    [onMark, onNextSubject, subject, note],
  );
  const stepKey = useCallback(
    (k: string) => {
      const item = subject.items[selected];
      if (!readOnly && k === 'p' && item && !item.value) void markItem(item.id, { result: 'pass' });
      else if (!readOnly && k === 'x' && item && !item.value) void markItem(item.id, { result: 'fail' });
      else if (k === 'arrowup') setSelected((s) => Math.max(0, s - 1));
      else if (k === 'arrowdown') setSelected((s) => Math.min(subject.items.length - 1, s + 1));
      else return false;
      return true;
    },
    [subject, selected, markItem, readOnly],
  );
  useStepKeys(stepKey, { onMove, onFinish, readOnly });

  return (
    <Box
      sx={{ flex: 1, display: 'flex', flexDirection: 'column', gap: 1 }}
      data-testid="round-step"
      data-subject-id={subject.id}
    >
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2 }}>
        <Typography variant="h6">
          {subject.code} {text(subject.name)}
        </Typography>
        <Typography color="text.secondary">
          {subject.kind ? t(`facilities.kind.${subject.kind}`) : ''} · {zoneName(subject.zone)} ·{' '}
          {t('rounds.progress', props.position)}
        </Typography>
      </Box>
      <List data-testid="round-items">
        {subject.items.map((item, i) => {
          const r = props.resultOf(item.id);
          const v = item.value;
          return (
            <Box
              key={item.id}
              data-testid="round-item"
              data-item-id={item.id}
              data-result={r?.result ?? 'none'}
              onClick={() => setSelected(i)}
              sx={{
                display: 'flex',
                alignItems: 'center',
                gap: 1,
                p: 1,
                borderRadius: 1,
                bgcolor: i === selected ? 'action.selected' : undefined,
              }}
            >
              <Typography sx={{ flex: 1, fontSize: '1rem' }}>
                {text(item.text)}
                {v && (v.min !== undefined || v.max !== undefined)
                  ? ` · ${t('rounds.range', { min: v.min ?? '', max: v.max ?? '', unit: v.unit ?? '' })}`
                  : ''}
              </Typography>
              {r && (
                <StatusChip
                  value={RESULT_COLOUR[r.result]}
                  label={`${t(`rounds.result.${r.result}`)}${r.value !== undefined ? ` ${r.value}` : ''}`}
                />
              )}
              {r?.orderNumber && (
                <Chip label={t('rounds.opened', { number: r.orderNumber })} data-testid="round-item-order" />
              )}
              {!readOnly &&
                (v ? (
                  <>
                    <TextInput
                      label={`${t('rounds.reading')}${v.unit ? ` (${v.unit})` : ''}`}
                      value={readings[item.id] ?? ''}
                      onChange={(x) => setReadings((prev) => ({ ...prev, [item.id]: x }))}
                      type="number"
                      testId="round-item-value"
                      sx={{ width: 140 }}
                    />
                    <Button
                      variant="outlined"
                      disabled={props.busy || !Number.isFinite(Number.parseFloat(readings[item.id] ?? ''))}
                      onClick={() => void markItem(item.id, { value: Number.parseFloat(readings[item.id]!) })}
                      data-testid="round-item-record"
                    >
                      {t('rounds.record')}
                    </Button>
                  </>
                ) : (
                  <>
                    <Button
                      variant="contained"
                      color="success"
                      disabled={props.busy}
                      onClick={() => void markItem(item.id, { result: 'pass' })}
                      data-testid="round-item-pass"
                    >
                      {t('rounds.pass')} (P)
                    </Button>
                    <Button
                      variant="outlined"
                      color="error"
                      disabled={props.busy}
                      onClick={() => void markItem(item.id, { result: 'fail' })}
                      data-testid="round-item-fail"
                    >
                      {t('rounds.fail')} (X)
                    </Button>
                  </>
                ))}
            </Box>
          );
        })}
      </List>
      <TextInput
        label={t('rounds.note')}
        value={note}
        onChange={setNote}
        maxLength={500}
        testId="round-item-note"
      />
      <Typography variant="body2" color="text.secondary">
        {t('rounds.keysInspection')}
      </Typography>
    </Box>
  );
}
