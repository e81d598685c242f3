/**
 * The hub's webhook source over real loopback HTTP, driven by tests/simulators/webhook-client.ts: a 2xx only
 * once the event is in the log (a log that refuses gets 503 and no 2xx), bearer tokens, size and rate limits,
 * and refusals a person can act on.
 */
import { describe, expect, it } from 'vitest';
import {
  WebhookSourceConfig,
  type WebhookSourceConfigInput,
} from '../../electron/hub/sources/webhook/config';
import { createWebhookSource, type WebhookSource } from '../../electron/hub/sources/webhook/source';
import { closedAfterEach } from '../support/closers';
import { quietContext, RecordingSink } from '../support/sink';
import { WebhookClient } from '../simulators/webhook-client';

const TOKEN_A = 'a'.repeat(20) + 'Zq3-access-control-01';
const TOKEN_B = 'b'.repeat(20) + 'Zq3-property-platform';

const closers = closedAfterEach();

async function harness(overrides: Partial<WebhookSourceConfigInput> = {}) {
  const sink = new RecordingSink();
  const config = WebhookSourceConfig.parse({
    id: 'hook',
    port: 0,
    clients: [
      { name: 'access', token: TOKEN_A },
      { name: 'platform', token: TOKEN_B, ratePerMinute: 3 },
    ],
    devices: {
      'door-12': { zone: 'lobby', label: 'Lobby door', cameras: ['cam-lobby'], clients: ['access'] },
    },
    maxBodyBytes: 1024,
    authFailuresPerMinute: 5,
    ...overrides,
  });
  const source: WebhookSource = await closers.started(createWebhookSource(config, quietContext(sink)));
  const url = `http://127.0.0.1:${source.port()}/hook`;
  return {
    sink,
    source,
    url,
    client: (token: string | null = TOKEN_A) => new WebhookClient(url, token ?? undefined),
  };
}

describe('webhook source', () => {
  it('answers 200 only once the alarm is committed, with the device, zone and cameras of the site file', async () => {
    const { sink, client, source } = await harness();
    const reply = await client().send({
      device: 'door-12',
      type: 'door_forced',
      state: 'active',
      id: 'evt-1',
      at: '2026-12-01T09:00:00+08:00',
      text: 'forced open',
      fields: { door: 'Lobby east', card: 12345 },
    });
    expect(reply.status).toBe(200);
    const key = (reply.body as { key: string }).key;
    expect(sink.log.get(key)).toMatchObject({
      kind: 'alarm',
      type: 'door_forced',
      zone: 'lobby',
      cameras: ['cam-lobby'],
      device: { id: 'hook:door-12', kind: 'access', label: 'Lobby door' },
      at: Date.parse('2026-12-01T01:00:00Z'),
      origin: { protocol: 'webhook', client: 'access', 'field.door': 'Lobby east', 'field.card': 12345 },
    });
    const restore = await client().send({
      device: 'door-12',
      type: 'door_forced',
      state: 'inactive',
      id: 'evt-2',
    });
    expect(restore.status).toBe(200);
    const beat = await client().send({ device: 'door-12', type: 'heartbeat' });
    expect(beat.status).toBe(200);
    expect([...sink.log.values()].map((r) => r.kind)).toEqual(['alarm', 'restore', 'alive']);
    expect(source.status()).toMatchObject({
      state: 'listening',
      counts: { received: 3, committed: 3, refused: 0 },
    });
  });

  it('answers 503 with Retry-After while the log refuses, never 2xx; the retried event (same id) is stored once', async () => {
    const { sink, url } = await harness();
    sink.mode = 'reject';
    const client = new WebhookClient(url, TOKEN_A);
    const first = await client.send({ device: 'door-12', type: 'intrusion', id: 'x-1' });
    expect(first.status).toBe(503);
    expect(first.headers['retry-after']).toBe('5');
    expect((first.body as { message: string }).message).toMatch(/send it again/);
    expect(sink.log.size).toBe(0);
    sink.mode = 'ok';
    const replies = await client.deliver({ device: 'door-12', type: 'intrusion', id: 'x-1' });
    await client.deliver({ device: 'door-12', type: 'intrusion', id: 'x-1' });
    expect(replies.at(-1)?.status).toBe(200);
    expect(sink.log.size).toBe(1);
  });

  it('refuses a missing or wrong token with 401, and slows an address that keeps guessing with 429', async () => {
    const { client, sink, source } = await harness();
    const none = await client(null).send({ device: 'door-12', type: 'intrusion' });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((none.body as { message: string }).message).toMatch(/Authorization: Bearer/);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await client('x'.repeat(41)).send({ device: 'd', type: 'intrusion' })).status);
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses.at(-1)).toBe(429);
    expect(sink.log.size).toBe(0);
    expect(source.status().lastRefused[0]?.reason).toMatch(/unknown token/);
    expect(source.status().lastRefused[0]?.code).toBe('unauthorized');
  });

  it('refuses bodies over the limit with 413 (declared or streamed) and keeps serving', async () => {
    const { client } = await harness();
    const declared = await client()
      .raw({ headers: { 'Content-Length': '5000000', 'Content-Type': 'application/json' }, body: '{}' })
      .catch(() => undefined);
    // A client that declares more than it sends is answered before its body, or cut.
    expect(declared === undefined || declared.status === 413).toBe(true);
    const streamed = await client().raw({
      body: JSON.stringify({ device: 'd', type: 'intrusion', text: 'x'.repeat(1500) }),
    });
    expect(streamed.status).toBe(413);
    expect((streamed.body as { message: string }).message).toMatch(/at most 1024 bytes/);
    expect((await client().send({ device: 'door-12', type: 'intrusion' })).status).toBe(200);
  });

  it('answers 422 naming what is wrong: not JSON, unknown type, unknown field, a device the client may not speak for', async () => {
    const { client } = await harness({ unknownDevices: 'refuse' });
    const cases: Array<[Record<string, unknown> | string, RegExp]> = [
      ['{not json', /not UTF-8 JSON/],
      [{ device: 'door-12', type: 'earthquake' }, /type/],
      [{ device: 'door-12', type: 'intrusion', colour: 'red' }, /colour/],
      [{ device: 'door-99', type: 'intrusion' }, /not in the site file/],
      [{ device: 'door-12', type: 'intrusion', at: 'yesterday' }, /at/],
    ];
    for (const [body, why] of cases) {
      const reply = await client().raw({ body: typeof body === 'string' ? body : JSON.stringify(body) });
      expect(reply.status, JSON.stringify(body)).toBe(422);
      expect((reply.body as { message: string }).message).toMatch(why);
    }
    const other = await client(TOKEN_B).send({ device: 'door-12', type: 'intrusion' });
    expect(other.status).toBe(422);
    expect((other.body as { message: string }).message).toMatch(/may not speak for device door-12/);
    const noType = await client().raw({ body: '{}', headers: { 'Content-Type': 'text/plain' } });
    expect((noType.body as { message: string }).message).toMatch(/application\/json/);
  });

  it('limits each client to its rate with 429 and Retry-After', async () => {
    const { client } = await harness();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await client(TOKEN_B).send({ device: 'pp-1', type: 'water_leak' })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await client(TOKEN_B).send({ device: 'pp-1', type: 'water_leak' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another client is not held back.
    expect((await client().send({ device: 'door-12', type: 'intrusion' })).status).toBe(200);
  });

  it('will not listen beyond loopback without TLS', () => {
    const r = WebhookSourceConfig.safeParse({
      id: 'h',
      host: '0.0.0.0',
      clients: [{ name: 'a', token: TOKEN_A }],
    });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(/needs tls/);
  });
});
