/**
 * A console process for the chaos test: takes the hub's alarms and performs operator actions on them, each
 * one tagged `A-<n>` so the test can follow it to the hub. Killed with SIGKILL at random and started again.
 *   node --import tsx tests/chaos/console-proc.ts <dataDir> <hubUrl> <token> <actions> <everyMs>
 */
import { join } from 'node:path';
import { createDesk } from '../../electron/desk';
import { createLogger } from '../../electron/common/log';

const [dataDir, url, token, actionsArg, everyArg] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const every = Number(everyArg);
const total = Number(actionsArg);
const core = await createDesk({
  dataDir,
  hub: { url, token },
  consoleId: 'chaos-console',
  backups: { keep: 3 },
  log: createLogger({ level: 'warn', file: join(dataDir, 'logs', 'console.log') }),
});
console.log('READY');

const session = core.openSession('memory', { id: 'op-chaos', name: 'Chaos operator', role: 'operator' });
// The next action number follows the last one this database committed (a kill before commit left no trace).
const rows = (await core.db('alarm_events').where('note', 'like', 'A-%').pluck('note')) as string[];
let n = rows.reduce((max, note) => Math.max(max, Number(/^A-(\d+)/.exec(note)?.[1] ?? 0)), 0) + 1;

const act = async () => {
  if (n > total) return;
  const open = (await core.db('alarms').where({ state: 'new' }).orderBy('received_at').first('id')) as
    { id: string } | undefined;
  const any =
    open ??
    ((await core.db('alarms').orderBy('received_at', 'desc').first('id')) as { id: string } | undefined);
  if (!any) return;
  const tag = `A-${n}`;
  const result = open
    ? await core.router.call('alarms.acknowledge', { id: any.id, note: tag }, session)
    : await core.router.call('alarms.note', { id: any.id, text: tag }, session);
  if (result.ok) n += 1;
};
const loop = () => {
  void act().finally(() => setTimeout(loop, every * (0.5 + Math.random())));
};
loop();
process.on('SIGTERM', () => void core.stop().then(() => process.exit(0)));
