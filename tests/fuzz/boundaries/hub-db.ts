import fc from 'fast-check';
import { silentLogger } from '../../../electron/common/log';
import { HubConfigFile } from '../../../electron/hub/config';
import { HubDatabaseUrlError } from '../../../electron/hub/storage-postgres';
import { describeTarget, isPostgresUrl, openHubStore } from '../../../electron/hub/storage';
import { draw, nastyText, type Boundary } from '../lib';

/**
 * The hub's `--db` option and its config's `database` key: what an administrator types. Near-valid PostgreSQL
 * URLs (with and without a password, host, port, database, query) and garbage go through the config schema,
 * `openHubStore` (PostgreSQL only: it connects lazily, so nothing is reached) and `describeTarget`. A URL is taken
 * or refused with `HubDatabaseUrlError`, nothing else is thrown, and the password never shows in what is logged.
 */
const SECRET = 'Zq7Secret';
const url = fc
  .record({
    scheme: fc.constantFrom('postgres', 'postgresql', 'POSTGRES', 'pg', 'http'),
    user: fc.constantFrom('', 'hub', 'site_hub', '用户'),
    password: fc.option(fc.stringMatching(/^[A-Za-z0-9]{1,12}$/), { nil: undefined }),
    host: fc.constantFrom('', '127.0.0.1', 'db.example', '[::1]', '%2Fvar%2Frun'),
    port: fc.constantFrom('', ':5432', ':0', ':99999', ':x'),
    db: fc.constantFrom('', '/', '/hub', '/库', '/a/b'),
    query: fc.constantFrom('', '?sslmode=verify-full', '?host=/tmp', '?%zz'),
  })
  .map((p) => {
    const auth = p.user || p.password ? `${p.user}${p.password ? `:${SECRET}${p.password}` : ''}@` : '';
    return `${p.scheme}://${auth}${p.host}${p.port}${p.db}${p.query}`;
  });
const caseArb = fc.oneof({ weight: 5, arbitrary: url }, { weight: 1, arbitrary: nastyText });

const boundary: Boundary = {
  name: 'hub-db',
  weight: 1,
  async run(ctx, tally) {
    for (const spec of draw(caseArb, ctx.cases, ctx.seed, 50)) {
      try {
        const config = HubConfigFile.safeParse({ dataDir: '/d', database: spec });
        if (config.success !== isPostgresUrl(spec))
          tally.invalid(`config ${config.success ? 'took' : 'refused'} ${JSON.stringify(spec).slice(0, 80)}`);
        const target = describeTarget(spec);
        if (target.includes(SECRET)) tally.invalid(`the password shows in ${target.slice(0, 80)}`);
        if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) {
          try {
            await openHubStore(spec, silentLogger).close();
          } catch (err) {
            if (!(err instanceof HubDatabaseUrlError)) throw err;
            if (err.message.includes(SECRET)) tally.invalid('the password shows in the refusal');
          }
        }
      } catch (err) {
        tally.crashes++;
        tally.note(`${JSON.stringify(spec).slice(0, 80)} threw: ${(err as Error).message.slice(0, 120)}`);
      }
      tally.cases++;
      if (tally.cases % 500 === 0) ctx.progress(`${tally.cases} cases`);
      // The runner's other boundaries share the event loop: yield now and then.
      await new Promise((r) => setImmediate(r));
    }
  },
};

export default boundary;
