// What the sources view is told when a source is not working or refuses input: a code the console words in the
// operator's language, with the technical message kept beside it. Real sockets on loopback, real errors from Node.
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { toHubStatus } from '../../electron/hub/equipment';
import { Dc09Config } from '../../electron/hub/sources/dc09/config';
import { createDc09Receiver } from '../../electron/hub/sources/dc09/receiver';
import {
  escapeRaw,
  problemOf,
  RAW_CHARS,
  RefusedLog,
  type SourceContext,
} from '../../electron/hub/sources/source';
import { HubSourceStatus, REFUSAL_CODES, SOURCE_PROBLEMS } from '../../shared/contract';
import { en } from '../../shared/i18n/en';
import { zhCN } from '../../shared/i18n/zh-CN';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

const ctx = (errors: string[]): SourceContext => ({
  sink: { commit: () => Promise.resolve() },
  now: () => Date.now(),
  log: { info: () => undefined, warn: () => undefined, error: (msg) => errors.push(msg) },
});

describe('source problems and refusals', () => {
  it('a DC-09 receiver whose port is taken says so as port_in_use, in the hub status too', async () => {
    const taken = createServer();
    servers.push(taken);
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as AddressInfo).port;
    const errors: string[] = [];
    const rx = createDc09Receiver(
      Dc09Config.parse({ id: 'panels', kind: 'dc09', host: '127.0.0.1', port, accounts: [] }),
      ctx(errors),
    );
    await expect(rx.start()).rejects.toThrow(/EADDRINUSE/);
    const status = rx.status();
    expect(status.state).toBe('failed');
    expect(status.problem).toBe('port_in_use');
    expect(status.error).toMatch(/EADDRINUSE/);
    const hub = HubSourceStatus.parse(toHubStatus(status));
    expect(hub).toMatchObject({ state: 'error', problem: 'port_in_use' });
    expect(hub.detail).toMatch(/EADDRINUSE/);
    await rx.stop();
  });

  it('reads the kind of trouble from the error code, never from its text', async () => {
    // A port nothing listens on: bind one, note it, close it, then connect to it.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise((r) => probe.close(r));
    const refused = await new Promise<Error>((resolve) => connect(port, '127.0.0.1').on('error', resolve));
    expect(problemOf(refused)).toBe('refused');
    expect(problemOf(Object.assign(new Error('x'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }))).toBe('tls');
    expect(problemOf(Object.assign(new Error('Connection refused: Not authorized'), { code: 5 }))).toBe(
      'unauthorized',
    );
    expect(problemOf(new Error('port 1883 in use'))).toBe('other');
    expect(problemOf('not an error')).toBe('other');
  });

  it('keeps the last refused inputs newest first, bounded in count and size', () => {
    const log = new RefusedLog(3);
    for (let i = 0; i < 10; i++)
      log.add({ at: i, code: 'malformed', reason: `r${i}`.padEnd(1000, '.'), raw: 'x'.repeat(2000) });
    const list = log.list();
    expect(list.map((r) => r.at)).toEqual([9, 8, 7]);
    expect(list.every((r) => r.reason.length <= 300 && r.raw.length <= RAW_CHARS)).toBe(true);
    list[0]!.reason = 'changed';
    expect(log.list()[0]!.reason).not.toBe('changed');
  });

  it('shows refused bytes escaped and bounded in characters, not bytes (found by the fuzz suite: 160 control bytes read 640)', () => {
    const control = escapeRaw(Buffer.alloc(1000, 0x01));
    expect(control.length).toBeLessThanOrEqual(300);
    expect(control.startsWith('\\x01\\x01')).toBe(true);
    // Never half an escape at the cut.
    expect(control.length % 4).toBe(0);
    expect(escapeRaw(Buffer.from('GET /\r\n'))).toBe('GET /\\x0d\\x0a');
    expect(escapeRaw(Buffer.from('x'.repeat(1000)), 50)).toBe('x'.repeat(50));
  });

  it('every refusal code and source problem is worded in both languages', () => {
    for (const code of REFUSAL_CODES) {
      expect(zhCN.equipment.refusal[code]).toMatch(/[\u4e00-\u9fff]/);
      expect(en.equipment.refusal[code]).toMatch(/^[\x20-\x7e]+$/);
    }
    for (const p of SOURCE_PROBLEMS) {
      expect(zhCN.equipment.sourceProblem[p]).toMatch(/[\u4e00-\u9fff]/);
      expect(en.equipment.sourceProblem[p]).toMatch(/^[\x20-\x7e]+$/);
    }
  });
});
