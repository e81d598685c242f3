import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContractCallError, methods, type MethodName } from '../../shared/contract';
import type { ConsoleCore } from '../../electron/core';
import { connectInMemory } from '../../electron/core/carriers/memory';
import { createLogger } from '../../electron/common/log';
import { tempDir } from '../support/temp';
import { startCore } from '../support/core';

const duty = { id: 'duty', name: '值班员', role: 'operator' } as const;

describe('router over the in-memory carrier', () => {
  let core: ConsoleCore;
  let tmp: ReturnType<typeof tempDir>;
  const logged: string[] = [];

  beforeEach(async () => {
    tmp = tempDir();
    core = await startCore(tmp.dir, {
      dbFile: ':memory:',
      log: createLogger({ level: 'debug', sink: (line) => logged.push(`${line.level} ${line.msg}`) }),
    });
  });
  afterEach(async () => {
    await core.stop();
    tmp.cleanup();
  });

  it('answers a valid call with an ok envelope whose value matches the contract', async () => {
    const { client, close } = connectInMemory(core.router, core.bus, core.openSession('memory', duty));
    const info = await client.call('system.info');
    expect(info.product).toBe('Control Room Console');
    expect(info.carrier).toBe('memory');
    expect(methods['system.info'].output.safeParse(info).success).toBe(true);
    close();
  });

  it('refuses an unknown method with unknown_method', async () => {
    const env = await core.router.call('alarms.deleteEverything', {}, core.openSession('memory', duty));
    expect(env).toEqual({
      ok: false,
      error: { code: 'unknown_method', message: 'There is no method "alarms.deleteEverything".' },
    });
  });

  it('refuses invalid input with the path of the bad field, and never runs the service', async () => {
    const session = core.openSession('memory', duty);
    const env = await core.router.call('events.recent', { limit: 100000 }, session);
    expect(env.ok).toBe(false);
    if (env.ok) return;
    expect(env.error.code).toBe('invalid_input');
    expect(env.error.issues?.[0]?.path).toBe('limit');
    expect(env.error.message).toMatch(/^Invalid input for events.recent: limit: /);
    expect(logged.some((l) => l.startsWith('warn refused invalid input'))).toBe(true);

    const bad = await core.router.call('prefs.set', { key: 'locale', value: 'fr' }, session);
    expect(bad.ok).toBe(false);
    const stored = await core.router.call('prefs.get', { key: 'locale' }, session);
    expect(stored).toEqual({ ok: true, value: { value: null } });
  });

  it('refuses extra fields instead of silently dropping them', async () => {
    const env = await core.router.call('system.info', { admin: true }, core.openSession('memory', duty));
    expect(env.ok).toBe(false);
  });

  it('refuses a method above the session role with forbidden, and unauthenticated without an operator', async () => {
    const operator = core.openSession('memory', { id: 'op1', name: 'Li', role: 'operator' });
    const refused = await core.router.call('hub.reconnect', {}, operator);
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    if (!refused.ok) expect(refused.error.message).toContain('supervisor');

    const supervisor = core.openSession('memory', { id: 'sup', name: 'Wang', role: 'supervisor' });
    expect(await core.router.call('hub.reconnect', {}, supervisor)).toEqual({
      ok: true,
      value: { done: true },
    });

    const nobody = core.openSession('memory', null);
    expect(await core.router.call('site.get', {}, nobody)).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
    expect(await core.router.call('system.info', {}, nobody)).toMatchObject({ ok: true });
  });

  it('the typed client throws ContractCallError carrying the code', async () => {
    const { client, close } = connectInMemory(core.router, core.bus, core.openSession('memory', null));
    await expect(client.call('site.get')).rejects.toBeInstanceOf(ContractCallError);
    await expect(client.call('site.get')).rejects.toMatchObject({ code: 'unauthenticated' });
    close();
  });

  it('stores a preference per operator and reads it back', async () => {
    const a = connectInMemory(
      core.router,
      core.bus,
      core.openSession('memory', { id: 'a', name: 'A', role: 'operator' }),
    );
    const b = connectInMemory(
      core.router,
      core.bus,
      core.openSession('memory', { id: 'b', name: 'B', role: 'operator' }),
    );
    await a.client.call('prefs.set', { key: 'locale', value: 'en' });
    expect(await a.client.call('prefs.get', { key: 'locale' })).toEqual({ value: 'en' });
    expect(await b.client.call('prefs.get', { key: 'locale' })).toEqual({ value: null });
    a.close();
    b.close();
  });

  it('never lets stream credentials reach the renderer', async () => {
    const { client, close } = connectInMemory(core.router, core.bus, core.openSession('memory', duty));
    const site = await client.call('site.get');
    expect(site.cameras.length).toBeGreaterThanOrEqual(8);
    expect(JSON.stringify(site)).not.toMatch(/devices|guard-phone/);
    close();
  });

  it('every method in the contract has a role, an input and an output schema', () => {
    for (const name of Object.keys(methods) as MethodName[]) {
      const def = methods[name];
      expect(['public', 'operator', 'supervisor', 'admin'], name).toContain(def.role);
      expect(typeof def.input.safeParse, name).toBe('function');
      expect(typeof def.output.safeParse, name).toBe('function');
    }
  });
});
