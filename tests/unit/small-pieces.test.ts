import { describe, expect, it } from 'vitest';
import { ArgsError, parseConsoleArgs, pickConsoleArgs } from '../../electron/core/args';
import { ManualClock } from '../../electron/common/clock';
import { networkList, RateLimiter, throttle } from '../../electron/core/util/net';
import { redactText, redactUrl } from '../../electron/common/redact';
import { createLogger, type LogLine } from '../../electron/common/log';
import { effectivePriority } from '../../shared/domain/alarm';
import { parseCidr } from '../../shared/domain/cidr';
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
      urls: ['http://h:1'],
      token: 't',
    });
    // Several instances of one hub: tried in order, the first is where the console starts.
    expect(parseConsoleArgs(['--hub', 'https://a:1/, https://b:1', '--hub-token', 't'], {}).hub).toEqual({
      url: 'https://a:1',
      urls: ['https://a:1', 'https://b:1'],
      token: 't',
    });
    expect(() => parseConsoleArgs(['--hub', 'https://a:1,,https://b:1', '--hub-token', 't'], {})).toThrow(
      /address 2\) is empty/,
    );
    expect(() => parseConsoleArgs(['--hub', 'https://a:1,https://a:1/', '--hub-token', 't'], {})).toThrow(
      /repeats https:\/\/a:1/,
    );
    expect(() => parseConsoleArgs(['--frobnicate'], {})).toThrow(/Unknown option/);
  });

  it("takes the embedded hub's equipment ports, 0 for a free one, and refuses them with a production hub", () => {
    expect(parseConsoleArgs(['--dc09-port', '0', '--mqtt-port', '1883'], {}).equipmentPorts).toEqual({
      dc09: 0,
      mqtt: 1883,
    });
    expect(parseConsoleArgs([], {}).equipmentPorts).toBeUndefined();
    expect(() => parseConsoleArgs(['--gb26875-port', '70000'], {})).toThrow(/--gb26875-port must be a port/);
    expect(() =>
      parseConsoleArgs(['--hub', 'http://h:1', '--hub-token', 't', '--dc09-port', '0'], {}),
    ).toThrow(/--dc09-port is for the embedded hub/);
    expect(pickConsoleArgs(['/app', '--no-sandbox', '--dc09-port=0'])).toEqual(['--dc09-port=0']);
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

describe('network helpers of the listening sockets', () => {
  it('reads networks as a site file names them and says what is wrong with a bad one', () => {
    expect(parseCidr('192.168.10.0/24')).toEqual({ address: '192.168.10.0', prefix: 24, family: 'ipv4' });
    expect(parseCidr('10.0.0.5')).toEqual({ address: '10.0.0.5', prefix: 32, family: 'ipv4' });
    expect(parseCidr('fd00::/8')).toEqual({ address: 'fd00::', prefix: 8, family: 'ipv6' });
    expect(parseCidr('192.168.10.0/33')).toMatch(/prefix after "\/" must be 0–32/);
    expect(parseCidr('256.1.1.1')).toMatch(/not an IPv4 or IPv6 address/);
    expect(parseCidr('10.0.0.0/8/8')).toMatch(/not an address or a network/);
  });

  it('an allow-list matches IPv4 peers as Node reports them (also IPv4-mapped) and refuses the rest', () => {
    const allowed = networkList(['192.168.10.0/24', 'fd00::/8']);
    expect(allowed('192.168.10.23')).toBe(true);
    expect(allowed('::ffff:192.168.10.23')).toBe(true);
    expect(allowed('fd12::1')).toBe(true);
    expect(allowed('192.168.11.1')).toBe(false);
    expect(allowed('::ffff:10.0.0.1')).toBe(false);
    expect(allowed(undefined)).toBe(false);
  });

  it('a rate limiter gives a burst, then its rate, and does not grow past its key limit', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 3, 100, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([true, true, true, false]);
    expect(limiter.retryAfterSec('a')).toBe(1);
    now += 500;
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
    for (let i = 0; i < 1000; i++) limiter.take(`sender-${i}`);
    expect(limiter.size).toBeLessThanOrEqual(100);
  });

  it('a throttled log line is written a few times a window, then once with how many were held back', () => {
    const lines: LogLine[] = [];
    const note = throttle(createLogger({ sink: (l) => lines.push(l) }), 'refused', 60_000, 2);
    for (let i = 0; i < 10; i++) note({ i });
    expect(lines.map((l) => l.msg)).toEqual(['refused', 'refused']);
  });
});
