import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { RoundResultView, RoundRunView, SiteView } from '../../shared/contract';
import { ClientContext } from '../../renderer/api/client';
import { CamerasContext, createCamerasStore } from '../../renderer/features/cameras';
import { RoundDialog } from '../../renderer/features/facilities/RoundDialog';
import { roundOpen } from '../../renderer/features/facilities/store';
import { createSystemStore, SystemContext } from '../../renderer/features/system';
import '../../renderer/ui/i18n';
import { fakeCore } from './support';

afterEach(() => {
  act(() => roundOpen.set(null));
  cleanup();
});

const camera = (n: number) => ({
  id: `cam-0${n}`,
  name: { 'zh-CN': `${n}号摄像机`, en: `Camera ${n}` },
  items: [],
});
const RUN: RoundRunView = {
  id: 'run-1',
  roundId: 'video-all',
  kind: 'video',
  name: { 'zh-CN': '全部摄像机视频巡查', en: 'Video round, all cameras' },
  dueAt: Date.UTC(2026, 11, 1, 12),
  startedAt: Date.UTC(2026, 11, 1, 3),
  by: '李明',
  subjects: [camera(1), camera(2), camera(3)],
  results: [],
};

function setup() {
  const core = fakeCore({
    'rounds.get': () => RUN,
    'rounds.mark': (input) =>
      ({
        subjectId: String(input.subjectId),
        itemId: '',
        result: input.result as RoundResultView['result'],
        ...(input.problem ? { problem: input.problem as 'dirty_lens' } : {}),
        ...(input.open === 'order' ? { orderId: 'o1', orderNumber: 'WO-000007' } : {}),
        at: Date.UTC(2026, 11, 1, 3, 5),
        by: '李明',
      }) satisfies RoundResultView,
    'rounds.finish': () => ({ ...RUN, finishedAt: Date.UTC(2026, 11, 1, 3, 9) }),
  });
  const system = createSystemStore(core.client);
  system.site.set({ zones: [], cameras: [] } as unknown as SiteView);
  const cameras = createCamerasStore(core.client);
  render(
    <ClientContext.Provider value={core.client}>
      <SystemContext.Provider value={system}>
        <CamerasContext.Provider value={cameras}>
          <RoundDialog />
        </CamerasContext.Provider>
      </SystemContext.Provider>
    </ClientContext.Provider>,
  );
  return core;
}

const key = (k: string, init: KeyboardEventInit = {}) =>
  act(async () => {
    fireEvent.keyDown(window, { key: k, ...init });
  });

describe('the video round at the desk', () => {
  it('marks by keys shown on the buttons: 1 normal, 2 a dirty lens with a note and Alt+O a work order, F finishes', async () => {
    const core = setup();
    await act(async () => roundOpen.set({ runId: 'run-1' }));
    const step = await screen.findByTestId('round-step');
    expect(step.getAttribute('data-subject-id')).toBe('cam-01');
    expect(screen.getByTestId('round-normal').textContent).toBe('正常 (1)');
    expect(screen.getByTestId('round-problem-dirty_lens').textContent).toBe('镜头脏污 (2)');

    await key('1');
    expect(core.callsOf('rounds.mark')).toEqual([{ runId: 'run-1', subjectId: 'cam-01', result: 'normal' }]);
    expect(screen.getByTestId('round-step').getAttribute('data-subject-id')).toBe('cam-02');

    await key('2');
    const note = screen.getByTestId('round-note');
    fireEvent.change(note, { target: { value: '镜头有水渍' } });
    await act(async () => {
      fireEvent.keyDown(note, { key: 'o', altKey: true });
    });
    expect(core.callsOf('rounds.mark')[1]).toEqual({
      runId: 'run-1',
      subjectId: 'cam-02',
      result: 'problem',
      problem: 'dirty_lens',
      note: '镜头有水渍',
      open: 'order',
    });
    expect(screen.getByTestId('round-step').getAttribute('data-subject-id')).toBe('cam-03');
    expect(screen.getByTestId('round-progress').textContent).toContain('已查 2 / 3，异常 1');

    // Back to it: the order it opened.
    await key('ArrowLeft');
    expect(screen.getByTestId('round-step-order').textContent).toBe('已生成 WO-000007');

    await key('f');
    expect(core.callsOf('rounds.finish')).toEqual([{ runId: 'run-1' }]);
    expect(roundOpen.get()).toBeNull();
  });
});
