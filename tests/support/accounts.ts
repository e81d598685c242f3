import WebSocket from 'ws';
import { createClient, createFrameTransport, type ConsoleClient, type Role } from '../../shared/contract';

/** The accounts every e2e console gets; the e2e specs sign in with these. */
export const ACCOUNTS: Record<Role, { username: string; name: string; password: string }> = {
  admin: { username: 'admin', name: '管理员', password: 'admin-pass-1' },
  supervisor: { username: 'wang', name: '王主管', password: 'wang-pass-1' },
  operator: { username: 'li', name: '李明', password: 'li-pass-123' },
};

/**
 * Creates the administrator (first start) and one supervisor and one operator account on a running web host
 * (its printed URL with the token) through the console's own API, as a second client would: the console has no
 * test-only back door for this.
 */
export async function provisionAccounts(
  consoleUrl: string,
  extra: Array<{ username: string; name: string; role: Role; password: string }> = [],
): Promise<void> {
  const { client, close } = await connectApi(consoleUrl);
  try {
    const admin = ACCOUNTS.admin;
    await client.call('auth.setup', { username: admin.username, name: admin.name, password: admin.password });
    for (const role of ['supervisor', 'operator'] as const) {
      const a = ACCOUNTS[role];
      await client.call('operators.save', { username: a.username, name: a.name, role, password: a.password });
    }
    for (const a of extra) await client.call('operators.save', a);
    // The admin's first-start sign-in put them on duty; the operators in the tests sign on themselves.
    const { onDuty } = await client.call('shift.current');
    for (const o of onDuty) await client.call('shift.leave', { operatorId: o.operator.id });
  } finally {
    close();
  }
}

/** A second client of a running web host's API (its printed URL with the token), as another browser tab is one. */
export async function connectApi(consoleUrl: string): Promise<{ client: ConsoleClient; close(): void }> {
  const url = new URL(consoleUrl);
  const ws = new WebSocket(`ws://${url.host}/api?token=${url.searchParams.get('token')}`, {
    headers: { origin: url.origin },
  });
  await new Promise<void>((resolveOpen, reject) => {
    ws.once('open', () => resolveOpen());
    ws.once('error', reject);
  });
  const side = createFrameTransport((text) => ws.send(text));
  ws.on('message', (data) => side.receive(data.toString()));
  ws.on('close', () => side.failPending('closed'));
  return { client: createClient(side.transport), close: () => ws.close() };
}
