/**
 * A console process for the chaos test: takes the hub's alarms and performs operator actions on them, each
 * one tagged `A-<n>` (or `<letter>-<n>`) so the test can follow it to the hub. Killed with SIGKILL at random and
 * started again. `hubUrl` may be a list of hub instances (`URL1,URL2`, as `--hub` takes it).
 *   node --import tsx tests/chaos/console-proc.ts <dataDir> <hubUrl> <token> <actions> <everyMs> [consoleId] [letter]
 */
import { join } from 'node:path';
import { parseHubUrls } from '../../electron/core/args';
import { createDesk } from '../../electron/desk';
import { createLogger } from '../../electron/common/log';

const [dataDir, url, token, actionsArg, everyArg, consoleId, letter] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string | undefined,
  string | undefined,
];
const every = Number(everyArg);
const total = Number(actionsArg);
const prefix = `${letter ?? 'A'}-`;
const urls = parseHubUrls(url);
const core = await createDesk({
  dataDir,
  hub: { url: urls[0]!, urls, token },
  consoleId: consoleId ?? 'chaos-console',
  backups: { keep: 3 },
  log: createLogger({ level: 'warn', file: join(dataDir, 'logs', 'console.log') }),
});
console.log('READY');

const session = core.openSession('memory', { id: 'op-chaos', name: 'Chaos operator', role: 'operator' });
// The next action number follows the last one this database committed (a kill before commit left no trace).
const rows = (await core.db('alarm_events').where('note', 'like', `${prefix}%`).pluck('note')) as string[];
const numbered = new RegExp(`^${prefix}(\\d+)`);
let n = rows.reduce((max, note) => Math.max(max, Number(numbered.exec(note)?.[1] ?? 0)), 0) + 1;

const act = async () => {
  if (n > total) return;
  const open = (await core.db('alarms').where({ state: 'new' }).orderBy('received_at').first('id')) as
    { id: string } | undefined;
  const any =
    open ??
    ((await core.db('alarms').orderBy('received_at', 'desc').first('id')) as { id: string } | undefined);
  if (!any) return;
  const tag = `${prefix}${n}`;
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
