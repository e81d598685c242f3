import { describe, expect, it } from 'vitest';
import { ArgsError, parseConsoleArgs, pickConsoleArgs } from '../../electron/core/args';
import { ManualClock } from '../../electron/core/util/clock';
import { redactText, redactUrl } from '../../electron/core/util/redact';
import { createLogger, type LogLine } from '../../electron/core/util/log';
import { effectivePriority } from '../../shared/domain/alarm';
import { ageParts, bandAt, bandSpan } from '../../shared/domain/shift';
import { distanceM } from '../../shared/domain/geo';
import { MESSAGES } from '../../shared/i18n';
import { roleAllows } from '../../shared/contract';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('small pieces', () => {
  it('both languages have exactly the same message keys, none empty', () => {
    const zh = keys(MESSAGES['zh-CN']).sort();
    expect(keys(MESSAGES.en).sort()).toEqual(zh);
    for (const locale of ['zh-CN', 'en'] as const) {
      for (const k of zh) {
        const value = k
          .split('.')
          .reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], MESSAGES[locale]);
        expect(String(value).trim(), `${locale} ${k}`).not.toBe('');
      }
    }
  });

  it('redacts credentials in URLs and in free text', () => {
    expect(redactUrl('rtsp://admin:12345@192.168.1.64:554/h264')).toBe('rtsp://***@192.168.1.64:554/h264');
    expect(redactUrl('http://hub.local/x?token=abc&y=1')).toBe('http://hub.local/x?token=***&y=1');
    expect(redactText("Input #0, from 'rtsp://u:p@cam/1': 401 Unauthorized")).toBe(
      "Input #0, from 'rtsp://***@cam/1': 401 Unauthorized",
    );
  });

  it('log lines never contain a password, even when a caller passes one in a field', () => {
    const lines: LogLine[] = [];
    createLogger({ sink: (l) => lines.push(l) }).warn('ffmpeg said rtsp://a:b@c/d failed', {
      url: 'rtsp://a:b@c/d',
    });
    expect(JSON.stringify(lines)).not.toContain('a:b@');
  });

  it('parses console options and refuses bad ones with a sentence', () => {
    expect(parseConsoleArgs(['--port', '8080', '--data-dir', '/tmp/x'], {})).toMatchObject({
      port: 8080,
      dataDir: '/tmp/x',
    });
    expect(() => parseConsoleArgs(['--port', 'eighty'], {})).toThrow(ArgsError);
    expect(() => parseConsoleArgs(['--hub', 'http://h:1'], {})).toThrow(/needs --hub-token/);
    expect(parseConsoleArgs(['--hub', 'http://h:1'], { CONSOLE_HUB_TOKEN: 't' }).hub).toEqual({
      url: 'http://h:1',
      token: 't',
    });
    expect(() => parseConsoleArgs(['--frobnicate'], {})).toThrow(/Unknown option/);
  });

  it('picks the console options out of an Electron argv full of Chromium switches', () => {
    expect(
      pickConsoleArgs(['/app', '--no-sandbox', '--data-dir', '/d', '--site=/s.json', '--enable-features=X']),
    ).toEqual(['--data-dir', '/d', '--site=/s.json']);
  });

  it('fire and SOS stay priority 1 whatever the source says; others take the source priority', () => {
    expect(effectivePriority('fire', 4)).toBe(1);
    expect(effectivePriority('guard_sos', 3)).toBe(1);
    expect(effectivePriority('door_held', 2)).toBe(2);
    expect(effectivePriority('lighting_fault')).toBe(5);
  });

  it('roles rise operator < supervisor < admin', () => {
    expect(roleAllows('operator', 'supervisor')).toBe(false);
    expect(roleAllows('admin', 'supervisor')).toBe(true);
    expect(roleAllows('operator', 'public')).toBe(true);
  });

  it('day band 08:00-20:00 by default; ages read naturally', () => {
    expect(bandAt(7 * 60 + 59)).toBe('night');
    expect(bandAt(8 * 60)).toBe('day');
    expect(bandAt(20 * 60)).toBe('night');
    expect(bandSpan(23 * 60)).toBe('20:00–08:00');
    expect(ageParts(5_000)).toEqual({ unit: 'secondsAgo', n: 5 });
    expect(ageParts(600_000)).toEqual({ unit: 'minutesAgo', n: 10 });
  });

  it('distance on the ground is right to a metre at community scale', () => {
    // 0.001 degrees of latitude is 111.2 m everywhere.
    expect(distanceM({ lat: 30.27, lon: 120.15 }, { lat: 30.271, lon: 120.15 })).toBeCloseTo(111.2, 0);
  });

  it('the manual clock fires timers in order and repeats intervals', () => {
    const clock = new ManualClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@200'), 200);
    clock.setTimeout(() => fired.push('a@100'), 100);
    const h = clock.setInterval(() => fired.push(`tick@${clock.now()}`), 150);
    clock.advance(320);
    clock.clearInterval(h);
    clock.advance(1000);
    expect(fired).toEqual(['a@100', 'tick@150', 'b@200', 'tick@300']);
  });
});
