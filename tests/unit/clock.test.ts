import { describe, expect, it } from 'vitest';
import { ageRatio, alarmAge, compareAlarms } from '../../shared/domain/alarm-lifecycle';
import { MESSAGES } from '../../shared/i18n';
import { spanParts, wordNotice } from '../../shared/i18n/notices';
import { ManualClock } from '../../electron/common/clock';
import { Timeline, type ClockJump } from '../../electron/core/util/timeline';

describe('the two clocks and the steady timeline', () => {
  it('ManualClock: advance moves both clocks and fires timers; jump moves the wall clock alone and fires nothing', () => {
    const clock = new ManualClock(1_000_000);
    let fired = 0;
    clock.setTimeout(() => fired++, 1000);
    clock.jump(60 * 60_000);
    expect(fired).toBe(0);
    expect(clock.now()).toBe(1_000_000 + 3_600_000);
    expect(clock.monotonic()).toBe(0);
    clock.advance(1000);
    expect(fired).toBe(1);
    expect([clock.now(), clock.monotonic()]).toEqual([1_000_000 + 3_601_000, 1000]);
    clock.jump(-2 * 3_600_000);
    expect(clock.now()).toBe(1_000_000 - 3_599_000);
  });

  it('steady time follows the monotonic clock, never goes back, and continues from a kept floor', () => {
    const clock = new ManualClock(5_000_000);
    const timeline = new Timeline({ clock });
    expect(timeline.steady()).toBe(5_000_000);
    clock.advance(2000);
    clock.jump(-86_400_000);
    expect(timeline.steady()).toBe(5_002_000);
    timeline.atLeast(9_000_000);
    expect(timeline.steady()).toBe(9_000_000);
    // A lower floor (an older value) changes nothing.
    timeline.atLeast(1);
    clock.advance(500);
    expect(timeline.steady()).toBe(9_000_500);
  });

  it('tells a step from a slew: only a change of (wall − monotonic) beyond the threshold is a jump, once', () => {
    const clock = new ManualClock(5_000_000);
    const timeline = new Timeline({ clock, thresholdMs: 2000, checkMs: 1000 });
    const heard: ClockJump[] = [];
    timeline.onJump((j) => heard.push(j));
    timeline.start();
    // Slewing: 1.5 s in small steps over a minute is never a jump.
    for (let i = 0; i < 60; i++) {
      clock.jump(25);
      clock.advance(1000);
    }
    expect(heard).toEqual([]);
    clock.jump(-10 * 60_000);
    clock.advance(1000);
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({ deltaMs: -10 * 60_000, to: clock.now() });
    expect(heard[0]!.from - heard[0]!.to).toBe(10 * 60_000);
    clock.advance(5000);
    expect(heard).toHaveLength(1);
    // A check made by a caller before the timer sees the jump first, and the timer does not tell it again.
    clock.jump(3 * 3_600_000);
    expect(timeline.check()?.deltaMs).toBe(3 * 3_600_000);
    clock.advance(1000);
    expect(heard).toHaveLength(2);
    timeline.stop();
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('alarm age and order on the steady clock', () => {
  const alarm = (seq: number, receivedAt: number, receivedSteady?: number) => ({
    id: `a${seq}`,
    priority: 3,
    seq,
    receivedAt,
    ...(receivedSteady !== undefined ? { receivedSteady } : {}),
    state: 'new' as const,
  });

  it('orders by arrival, not by a wall time stepped back', () => {
    const list = [alarm(2, 1_000), alarm(1, 5_000), { ...alarm(3, 0), priority: 1 }];
    expect(list.sort(compareAlarms).map((a) => a.id)).toEqual(['a3', 'a1', 'a2']);
  });

  it('ages on the steady clock when both sides have it, else on the wall clock', () => {
    const a = alarm(1, 10_000, 500_000);
    expect(alarmAge(a, { wall: 10_000 - 3_600_000, steady: 530_000 })).toBe(30_000);
    expect(ageRatio(a, { wall: 0, steady: 530_000 })).toBe(0.5);
    expect(alarmAge(alarm(2, 10_000), { wall: 40_000, steady: 1 })).toBe(30_000);
    expect(alarmAge(a, 25_000)).toBe(15_000);
  });
});

describe('notices worded in either language', () => {
  it('words a clock jump with its size and direction', () => {
    expect(spanParts(90_000)).toEqual({ unit: 's', n: 90 });
    expect(spanParts(-10 * 60_000)).toEqual({ unit: 'min', n: 10 });
    expect(spanParts(5 * 3_600_000)).toEqual({ unit: 'h', n: 5 });
    expect(spanParts(3 * 86_400_000)).toEqual({ unit: 'd', n: 3 });
    const notice = { code: 'clock-jump', params: { deltaMs: -3 * 86_400_000, from: 10, to: 0 } };
    const time = (at: number) => `t${at}`;
    expect(wordNotice(MESSAGES['zh-CN'], notice, time)).toMatch(
      /^系统时间跳变：时钟向后退了 3 天（t10 → t0）/,
    );
    expect(wordNotice(MESSAGES.en, notice, time)).toMatch(
      /^The system clock went back by 3 days \(t10 → t0\)/,
    );
  });

  it('words the disk notices, and leaves other codes to their message', () => {
    expect(wordNotice(MESSAGES['zh-CN'], { code: 'disk-full', params: { freeMb: 3 } })).toMatch(
      /^磁盘已满：只剩 3 MB/,
    );
    expect(wordNotice(MESSAGES.en, { code: 'disk-low', params: { freeMb: 700, freedMb: 120 } })).toMatch(
      /700 MB left.*\(120 MB\)/,
    );
    expect(wordNotice(MESSAGES.en, { code: 'disk-ok', params: { freeMb: 2000 } })).toMatch(/2000 MB free/);
    expect(wordNotice(MESSAGES.en, { code: 'hub' })).toBeUndefined();
  });
});
