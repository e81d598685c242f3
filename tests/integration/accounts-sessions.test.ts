import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  ContractCallError,
  createClient,
  createFrameTransport,
  type ConsoleClient,
  type Envelope,
  type OperatorView,
  type Role,
} from '../../shared/contract';
import { type ConsoleCore } from '../../electron/core';
import { createDesk } from '../../electron/desk';
import { connectInMemory } from '../../electron/core/carriers/memory';
import { ManualClock } from '../../electron/common/clock';
import { tokenHash } from '../../electron/core/operators/tokens';
import { createLogger, silentLogger } from '../../electron/common/log';
import { startWebHost, type WebHost } from '../../electron/web-host/server';
import { tempDir } from '../support/temp';
import { until } from '../support/until';

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const ADMIN = { username: 'admin', name: '管理员', password: 'admin-pass-1' };
const LI = { username: 'li', name: '李明', password: 'li-pass-123' };
const WANG = { username: 'wang', name: '王主管', password: 'wang-pass-1' };

/** One window of the console as the core sees it: a contract client, and every event the core pushed to it. */
interface Window {
  client: ConsoleClient;
  events: Array<{ name: string; payload: unknown }>;
  close(): void;
}

/** Calls that may be refused: the envelope, not a throw. */
async function attempt<T>(call: Promise<T>): Promise<Envelope<T>> {
  try {
    return { ok: true, value: await call };
  } catch (err) {
    if (!(err instanceof ContractCallError)) throw err;
    return {
      ok: false,
      error: {
        code: err.code,
        message: err.message,
        ...(err.reason ? { reason: err.reason } : {}),
        ...(err.params ? { params: err.params } : {}),
      },
    };
  }
}

describe('accounts and sessions: what a change to an account, the lock and a resume token do to open windows', () => {
  let tmp: ReturnType<typeof tempDir>;
  let core: ConsoleCore;
  let host: WebHost;
  let clock: ManualClock;
  let li: OperatorView;
  let wang: OperatorView;
  const windows: Window[] = [];
  /** What the web host logged: when it saw a tab go. */
  const hostLog: string[] = [];

  beforeEach(async () => {
    tmp = tempDir();
    const staticDir = join(tmp.dir, 'renderer');
    mkdirSync(staticDir);
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>console</title>');
    clock = new ManualClock(Date.UTC(2026, 10, 24, 8, 0));
    core = await createDesk({
      dataDir: tmp.dir,
      dbFile: join(tmp.dir, 'console.sqlite'),
      demo: { scenario: false },
      backups: { enabled: false },
      clock,
      log: silentLogger,
      // The shortest idle time an administrator can set (CONSOLE_RESUME_IDLE_H=1); the default is 12 h.
      duty: { hashParams: FAST, resumeIdleMs: 3600 * 1000 },
    });
    hostLog.length = 0;
    host = await startWebHost({
      core,
      staticDir,
      log: createLogger({ level: 'info', sink: (line) => hostLog.push(line.msg) }),
    });
    const admin = core.openSession('memory');
    const call = (method: string, input: unknown) => core.router.call(method, input, admin);
    expect(await call('auth.setup', ADMIN)).toMatchObject({ ok: true });
    const save = async (a: typeof LI, role: Role) =>
      ((await call('operators.save', { ...a, role })) as { ok: true; value: OperatorView }).value;
    li = await save(LI, 'operator');
    wang = await save(WANG, 'supervisor');
  });
  afterEach(async () => {
    for (const w of windows.splice(0)) w.close();
    await host.stop();
    await core.stop();
    tmp.cleanup();
  });

  /** A browser tab: the web host's /api WebSocket over loopback, with the page token. */
  async function tab(): Promise<Window> {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${host.token}`, {
      headers: { origin: `http://127.0.0.1:${host.port}` },
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const side = createFrameTransport((text) => ws.send(text));
    ws.on('message', (data) => side.receive(data.toString()));
    ws.on('close', () => side.failPending('closed'));
    const w = watch(createClient(side.transport), () => ws.close());
    return w;
  }

  /** A window on the in-memory carrier (the same frames the Electron window's IPC carries). */
  function desk(): Window {
    const session = core.openSession('memory', null, { source: 'ipc' });
    const { client, close } = connectInMemory(core.router, core.bus, session);
    return watch(client, () => {
      close();
      core.closeSession(session);
    });
  }

  function watch(client: ConsoleClient, close: () => void): Window {
    const w: Window = { client, events: [], close };
    for (const name of ['session.ended', 'alarms.changed', 'guards.changed'] as const)
      client.on(name, (payload) => w.events.push({ name, payload }));
    windows.push(w);
    return w;
  }

  const signIn = async (w: Window, who: { username: string; password: string }) =>
    (await w.client.call('auth.login', { username: who.username, password: who.password })).resumeToken;

  const adminSession = () =>
    core.openSession('memory', { id: 'admin-desk', name: ADMIN.name, role: 'admin' });
  const changeLi = (patch: Record<string, unknown>) =>
    core.router.call(
      'operators.save',
      { ...LI, id: li.id, role: 'operator', active: true, ...patch },
      adminSession(),
    );

  for (const [change, patch, reason] of [
    ['deactivated', { active: false, password: undefined }, 'deactivated'],
    ['demoted', { role: 'operator' }, 'role_changed'],
    ['given a new password', { password: 'li-reset-4711' }, 'password_changed'],
  ] as const) {
    it(`an account ${change} by an administrator: its open windows on every carrier are signed out at once, told why, and their tokens end`, async () => {
      if (change === 'demoted')
        expect(await changeLi({ role: 'supervisor', password: undefined })).toMatchObject({ ok: true });
      const browser = await tab();
      const ipc = desk();
      const token = await signIn(browser, LI);
      await signIn(ipc, LI);
      // Another operator's window is not touched.
      const other = await tab();
      await signIn(other, WANG);

      expect(await changeLi(patch)).toMatchObject({ ok: true });
      for (const w of [browser, ipc])
        await until('the window is told', () =>
          w.events.some(
            (e) => e.name === 'session.ended' && JSON.stringify(e.payload) === `{"reason":"${reason}"}`,
          ),
        );
      for (const w of [browser, ipc]) {
        expect((await w.client.call('session.current')).operator).toBeNull();
        expect(await attempt(w.client.call('alarms.open'))).toMatchObject({
          ok: false,
          error: { code: 'unauthenticated' },
        });
      }
      // The page that comes back with its token (after a reload, a lost link) learns why, once.
      const reloaded = await tab();
      expect(await attempt(reloaded.client.call('auth.resume', { token }))).toMatchObject({
        ok: false,
        error: { code: 'unauthenticated', reason: 'sign_in_ended', params: { why: reason } },
      });
      expect(await attempt(reloaded.client.call('auth.resume', { token }))).toMatchObject({
        ok: false,
        error: { code: 'unauthenticated' },
      });
      expect(other.events.some((e) => e.name === 'session.ended')).toBe(false);
      expect((await other.client.call('session.current')).operator?.name).toBe(WANG.name);
      const ended = (await core.db('audit_log').where({ action: 'auth.ended', target: li.id })) as unknown[];
      expect(ended).toHaveLength(1);
    });
  }

  it('a locked window: every call refused with locked except the lock screen’s own, alarms still pushed, and a reload does not lift it', async () => {
    const browser = await tab();
    const token = await signIn(browser, LI);
    const { alarms } = await browser.client.call('alarms.open');
    expect(alarms).toHaveLength(0);
    const desk = core.openSession('memory', wang);
    const raised = (await core.router.call(
      'alarms.raise',
      { type: 'smoke', zone: 'bldg-01', text: 'smoke' },
      desk,
    )) as {
      ok: true;
      value: { id: string };
    };

    await browser.client.call('auth.lock');
    expect(await attempt(browser.client.call('alarms.acknowledge', { id: raised.value.id }))).toMatchObject({
      ok: false,
      error: { code: 'locked', reason: 'session_locked' },
    });
    expect(await attempt(browser.client.call('guards.latest'))).toMatchObject({
      ok: false,
      error: { code: 'locked' },
    });
    expect(await attempt(browser.client.call('auth.logout', { leaveShift: true }))).toMatchObject({
      ok: false,
      error: { code: 'locked' },
    });
    // What the lock screen shows still answers, and a new alarm still arrives; the map's positions wait.
    expect((await browser.client.call('alarms.open')).alarms.map((a) => a.id)).toEqual([raised.value.id]);
    browser.events.length = 0;
    await core.router.call('alarms.raise', { type: 'fire', zone: 'bldg-02', text: 'fire' }, desk);
    core.bus.emit('guards.changed', { guards: [] });
    // Alarm changes go out in batches a few times a second (on the console's clock).
    clock.advance(250);
    await until('the new alarm reaches the locked window', () =>
      browser.events.some((e) => e.name === 'alarms.changed'),
    );
    expect(browser.events.filter((e) => e.name === 'guards.changed')).toEqual([]);

    // A reload (or someone with the page's token in another connection) comes back locked.
    const reloaded = await tab();
    const resumed = await reloaded.client.call('auth.resume', { token });
    expect(resumed).toMatchObject({ operator: { id: li.id }, locked: true });
    expect(await reloaded.client.call('session.current')).toMatchObject({ locked: true });
    expect(await attempt(reloaded.client.call('alarms.acknowledge', { id: raised.value.id }))).toMatchObject({
      ok: false,
      error: { code: 'locked' },
    });
    expect(await attempt(reloaded.client.call('auth.unlock', { password: 'wrong-pass' }))).toMatchObject({
      ok: false,
      error: { reason: 'wrong_credentials' },
    });
    await reloaded.client.call('auth.unlock', { password: LI.password });
    expect((await reloaded.client.call('alarms.acknowledge', { id: raised.value.id })).state).toBe(
      'acknowledged',
    );
    const audit = (await core
      .db('audit_log')
      .whereIn('action', ['auth.lock', 'auth.unlock'])
      .pluck('action')) as string[];
    expect(audit).toEqual(['auth.lock', 'auth.unlock']);
    const refused = (await core
      .db('audit_log')
      .where({ action: 'call.refused' })
      .pluck('details')) as string[];
    expect(refused.map((d) => (JSON.parse(d) as { code: string }).code)).toContain('locked');
  });

  it('resume tokens are single-use and rotate, end at sign-out (every window of the operator), and expire after the idle time unconnected', async () => {
    const first = await tab();
    const t1 = await signIn(first, LI);
    const second = await tab();
    const r1 = await second.client.call('auth.resume', { token: t1 });
    expect(r1.operator.id).toBe(li.id);
    expect(r1.resumeToken).not.toBe(t1);
    // Used up: a copy of it (another tab, someone who read it) signs nobody in.
    expect(await attempt((await tab()).client.call('auth.resume', { token: t1 }))).toMatchObject({
      ok: false,
    });

    // Sign-out at one window signs the operator out of the other too, and kills its token.
    const popout = await tab();
    const popToken = (await popout.client.call('auth.resume', { token: r1.resumeToken })).resumeToken;
    await first.client.call('auth.logout', { leaveShift: true });
    await until('the other window is told', () => popout.events.some((e) => e.name === 'session.ended'));
    expect(popout.events.find((e) => e.name === 'session.ended')?.payload).toEqual({ reason: 'signed_out' });
    expect(await attempt((await tab()).client.call('auth.resume', { token: popToken }))).toMatchObject({
      ok: false,
      error: { params: { why: 'signed_out' } },
    });

    // A window closed for longer than the idle time: its token has expired; one still connected has not.
    const kept = await tab();
    const keptToken = await signIn(kept, LI);
    const closed = await tab();
    const closedToken = await signIn(closed, LI);
    const before = hostLog.filter((m) => m === 'browser session closed').length;
    closed.close();
    await until('the web host has seen the tab go', () =>
      hostLog.filter((m) => m === 'browser session closed').length > before ? true : undefined,
    );
    clock.advance(3600 * 1000 + 1);
    // The renewals the clock ran are database writes: wait until the connected window's has landed.
    await until("the connected window's token is renewed", async () => {
      const row = (await core
        .db('resume_tokens')
        .where({ token_hash: tokenHash(keptToken) })
        .first()) as { expires_at: number } | undefined;
      return row !== undefined && row.expires_at > clock.now();
    });
    expect(await attempt((await tab()).client.call('auth.resume', { token: closedToken }))).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
    expect((await (await tab()).client.call('auth.resume', { token: keptToken })).operator.id).toBe(li.id);
  });

  it('wrong passwords from a browser slow that source down; the supervisor still signs in at the console desk', async () => {
    const browser = await tab();
    const unknown = await attempt(
      browser.client.call('auth.login', { username: 'nobody', password: 'guess-1234' }),
    );
    const wrong = await attempt(
      browser.client.call('auth.login', { username: 'wang', password: 'guess-1234' }),
    );
    expect(unknown).toEqual(wrong);
    for (let i = 0; i < 5; i++)
      await attempt(browser.client.call('auth.login', { username: 'wang', password: `guess-${i}` }));
    expect(
      await attempt(browser.client.call('auth.login', { username: WANG.username, password: WANG.password })),
    ).toMatchObject({
      ok: false,
      error: { code: 'too_many_attempts', reason: 'too_many_attempts' },
    });
    // The account itself is not locked: the supervisor signs in at the desk, and again after more guessing.
    const ipc = desk();
    await signIn(ipc, WANG);
    for (let i = 0; i < 20; i++)
      await attempt(browser.client.call('auth.login', { username: 'wang', password: `more-${i}` }));
    const again = desk();
    await signIn(again, WANG);
    expect((await again.client.call('session.current')).operator?.id).toBe(wang.id);
    const slowed = (await core.db('duty_log').where({ kind: 'sign_in_slowed' }).pluck('text')) as string[];
    expect(slowed).toEqual([
      `${WANG.name} (wang): 5 wrong passwords from ws 127.0.0.1; further tries from there are slowed down`,
    ]);
    // And a common password is refused when the administrator sets one.
    expect(await changeLi({ password: 'Password123' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', reason: 'password_common' },
    });
  });
});
