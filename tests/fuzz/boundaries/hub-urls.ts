import fc from 'fast-check';
import { ArgsError, MAX_HUB_URLS, parseConsoleArgs } from '../../../electron/core/args';
import { HeadMoved } from '../../../electron/hub/fanout';
import { HubSyncReply } from '../../../shared/contract';
import { draw, nastyText, weighted, type Boundary } from '../lib';

/**
 * The list of hub addresses (`--hub URL1,URL2,…`, in process) and what the instances tell each other and the
 * console about themselves: the fan-out's "head moved" notification (fanout.ts) and the `sync` answer's instance
 * name. A list near the rules (commas doubled or trailing, spaces, repeats that differ only by a slash or the
 * case of the host, other schemes, too many) and garbage go through `parseConsoleArgs`: it returns a list that
 * keeps the rules or throws an `ArgsError` (a message for the person who typed it), never anything else.
 * Notifications of any shape are parsed without throwing.
 */
const address = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({
        scheme: fc.constantFrom('http', 'https', 'ws', 'wss', 'ftp', 'postgres', 'HTTP', ''),
        host: fc.constantFrom('hub-a', 'HUB-A', 'hub-b', '127.0.0.1', '[::1]', 'h', '', 'a b', 'hub,c'),
        port: fc.option(fc.integer({ min: -1, max: 70_000 }), { nil: undefined }),
        path: fc.constantFrom('', '/', '//', '/x', '/x/', '?a=1', '#f'),
        pad: fc.constantFrom('', ' ', '  ', '\t'),
      })
      .map(
        ({ scheme, host, port, path, pad }) =>
          `${pad}${scheme ? `${scheme}://` : ''}${host}${port === undefined ? '' : `:${port}`}${path}${pad}`,
      ),
  },
  { weight: 1, arbitrary: nastyText },
  { weight: 1, arbitrary: fc.constant('x'.repeat(2100)) },
);
const joiner = fc.constantFrom(',', ',', ',', ', ', ',,', ' , ');
const list = fc
  .tuple(
    fc.array(address, { minLength: 1, maxLength: MAX_HUB_URLS + 2 }),
    joiner,
    weighted({ plain: 6, trailing: 1, leading: 1 }),
  )
  .map(([parts, sep, edge]) => {
    const joined = parts.join(sep);
    return edge === 'trailing' ? `${joined},` : edge === 'leading' ? `,${joined}` : joined;
  });

/** What a returned list must be. */
function check(value: string, hub: { url: string; urls: string[] }): string | undefined {
  const { urls } = hub;
  if (urls.length < 1 || urls.length > MAX_HUB_URLS)
    return `${urls.length} addresses from ${JSON.stringify(value)}`;
  if (hub.url !== urls[0]) return `url ${hub.url} is not the first of ${JSON.stringify(urls)}`;
  if (new Set(urls).size !== urls.length) return `repeats in ${JSON.stringify(urls)}`;
  for (const u of urls) {
    if (u.endsWith('/')) return `trailing slash kept: ${u}`;
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      return `not a URL: ${JSON.stringify(u)}`;
    }
    if (!/^(http|https|ws|wss):$/.test(parsed.protocol)) return `scheme ${parsed.protocol} let through`;
  }
  // Each address the person gave is one in the list, in order (a list is never reordered or thinned).
  if (urls.length !== value.split(',').length)
    return `${JSON.stringify(value)} gave ${urls.length} addresses`;
  return undefined;
}

const notification = fc.oneof(
  fc.record({
    instance: fc.oneof(fc.constantFrom('hub-a', 'hub-b:4100', ''), nastyText, fc.constant('i'.repeat(65))),
    seq: fc.oneof(fc.integer(), fc.double(), fc.constant(Number.MAX_SAFE_INTEGER + 2)),
    urgent: fc.oneof(fc.nat(), fc.constant(-1), fc.constant('7')),
  }),
  fc.anything({ maxDepth: 2 }),
);

const boundary: Boundary = {
  name: 'hub-urls',
  weight: 1,
  async run(ctx, tally) {
    for (const value of draw(list, ctx.cases, ctx.seed, 50)) {
      try {
        // The `=` form: a list that starts with `-` is the list's business here, not parseArgs' (which would
        // take it for an option and answer with the usage).
        const hub = parseConsoleArgs([`--hub=${value}`, '--hub-token', 't'], {}).hub;
        if (!hub) tally.invalid(`no hub from ${JSON.stringify(value).slice(0, 120)}`);
        else {
          const wrong = check(value, hub);
          if (wrong) tally.invalid(wrong.slice(0, 200));
        }
      } catch (err) {
        if (!(err instanceof ArgsError)) {
          tally.crashes++;
          tally.note(
            `--hub ${JSON.stringify(value).slice(0, 80)} threw ${(err as Error).message.slice(0, 120)}`,
          );
        } else if (err.message.length > 400) {
          tally.invalid(`a refusal too long to read: ${err.message.slice(0, 80)}`);
        }
      }
      tally.cases++;
      if (tally.cases % 2000 === 0) ctx.progress(`${tally.cases} lists`);
      if (tally.cases % 500 === 0) await new Promise((r) => setImmediate(r));
    }
    // The instances' own messages: a quarter as many, parsed whatever they hold.
    for (const raw of draw(notification, Math.ceil(ctx.cases / 4), ctx.seed + 1, 50)) {
      try {
        const head = HeadMoved.safeParse(raw);
        if (head.success && (!Number.isSafeInteger(head.data.seq) || head.data.instance.length > 64))
          tally.invalid(`notification let through: ${JSON.stringify(head.data).slice(0, 120)}`);
        const sync = HubSyncReply.safeParse({
          ok: true,
          headSeq: 1,
          instance: (raw as { instance?: unknown })?.instance,
        });
        if (sync.success && sync.data.instance !== undefined && sync.data.instance.length > 64)
          tally.invalid('an instance name over 64 characters let through');
      } catch (err) {
        tally.crashes++;
        tally.note(`a notification threw: ${(err as Error).message.slice(0, 120)}`);
      }
      tally.cases++;
    }
  },
};

export default boundary;
