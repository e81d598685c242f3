import { accessSync, constants } from 'node:fs';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';

export interface ConsoleArgs {
  port?: number;
  dataDir?: string;
  site?: string;
  /** `url` is the first of `urls`: the console moves along the list when its hub dies (hub-link/link.ts). */
  hub?: { url: string; urls: string[]; token: string; ca?: string };
  demoPort?: number;
  /** The embedded hub's equipment listeners (0 = a free port, printed at start). */
  equipmentPorts?: { dc09?: number; gb26875?: number; mqtt?: number };
  /** The OsmAnd endpoint for guards' phones; undefined when switched off. */
  osmand?: { port: number; host: string };
}

/** Traccar's own port for the OsmAnd protocol, so the app's usual setting works. */
export const DEFAULT_OSMAND_PORT = 5055;

export class ArgsError extends Error {
  override name = 'ArgsError';
}

export const USAGE = `Options:
  --port N          web host port on 127.0.0.1 (default: a free port)
  --data-dir DIR    where the database, logs and backups live
  --site FILE       a site file (default: the demo community in resources/demo-site)
  --hub URL[,URL…]  a production site hub; without it the embedded demo hub runs. Several addresses (hub
                    instances on one database, up to 8) are tried in order: the console moves to the next
                    when its own stops answering, and stays where it works
  --hub-token T     the console's token for that hub (or env CONSOLE_HUB_TOKEN)
  --hub-ca FILE     a PEM file with the CA that signs the hub's certificate (a site's own PKI)
  --demo-port N     port for the embedded demo hub (default: a free port)
  --dc09-port N     the embedded hub's SIA DC-09 receiver (TCP and UDP; 0: a free port, printed)
  --gb26875-port N  the embedded hub's GB/T 26875.3 fire-alarm receiver (TCP; 0: a free port, printed)
  --mqtt-port N     the embedded hub's MQTT broker for sensors (0: a free port, printed)
  --osmand-port N   where guards' phones (Traccar Client, OsmAnd protocol) report positions
                    (default 5055; 0: a free port; "off": no endpoint)
  --osmand-host H   the address it listens on (default 0.0.0.0: the site's network)`;

function portOf(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new ArgsError(`${name} must be a port number 0-65535, not "${value}"`);
  return n;
}

/** The most hub addresses `--hub` takes: instances of one hub, not a directory of them. */
export const MAX_HUB_URLS = 8;
/** The longest one address may be. */
const MAX_HUB_URL_LENGTH = 2048;

/**
 * `--hub`'s value: one address or several separated by commas, each an http(s) or ws(s) URL, without repeats
 * (compared as parsed: `http://h:1/` and `http://h:1` are one). Returns them without a trailing slash, in order.
 */
export function parseHubUrls(value: string): string[] {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.length > MAX_HUB_URLS)
    throw new ArgsError(`--hub takes at most ${MAX_HUB_URLS} addresses, not ${parts.length}`);
  const urls: string[] = [];
  for (const [i, part] of parts.entries()) {
    const which = parts.length > 1 ? `--hub (address ${i + 1})` : '--hub';
    if (part === '')
      throw new ArgsError(`${which} is empty: separate addresses with single commas, such as URL1,URL2`);
    if (part.length > MAX_HUB_URL_LENGTH)
      throw new ArgsError(`${which} is longer than ${MAX_HUB_URL_LENGTH} characters`);
    let url: URL;
    try {
      url = new URL(part);
    } catch {
      throw new ArgsError(
        `${which} must be a URL such as http://hub.example:3000, not "${part.slice(0, 200)}"`,
      );
    }
    if (!/^(http|https|ws|wss):$/.test(url.protocol))
      throw new ArgsError(`${which} must be an http(s) or ws(s) URL`);
    const normal = url.toString().replace(/\/+$/, '');
    if (urls.includes(normal)) throw new ArgsError(`${which} repeats ${normal}; name each hub instance once`);
    urls.push(normal);
  }
  return urls;
}

/** Parses the options shared by the web host and the Electron shell; unknown options are refused. */
export function parseConsoleArgs(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
): ConsoleArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        site: { type: 'string' },
        hub: { type: 'string' },
        'hub-token': { type: 'string' },
        'hub-ca': { type: 'string' },
        'demo-port': { type: 'string' },
        'dc09-port': { type: 'string' },
        'gb26875-port': { type: 'string' },
        'mqtt-port': { type: 'string' },
        'osmand-port': { type: 'string' },
        'osmand-host': { type: 'string' },
      },
    }));
  } catch (err) {
    throw new ArgsError(`${(err as Error).message}\n${USAGE}`);
  }
  const args: ConsoleArgs = {};
  args.port = portOf('--port', values.port);
  args.demoPort = portOf('--demo-port', values['demo-port']);
  const equipment = {
    dc09: portOf('--dc09-port', values['dc09-port']),
    gb26875: portOf('--gb26875-port', values['gb26875-port']),
    mqtt: portOf('--mqtt-port', values['mqtt-port']),
  };
  for (const [kind, port] of Object.entries(equipment)) {
    if (port === undefined) continue;
    if (values.hub) throw new ArgsError(`--${kind}-port is for the embedded hub; it was given with --hub`);
    (args.equipmentPorts ??= {})[kind as keyof typeof equipment] = port;
  }
  if (values['osmand-port'] !== 'off') {
    args.osmand = {
      port: portOf('--osmand-port', values['osmand-port']) ?? DEFAULT_OSMAND_PORT,
      host: values['osmand-host'] ?? '0.0.0.0',
    };
  } else if (values['osmand-host']) {
    throw new ArgsError('--osmand-host was given with --osmand-port off');
  }
  if (values['data-dir']) args.dataDir = resolve(values['data-dir']);
  if (values.site) args.site = resolve(values.site);
  if (values.hub) {
    const urls = parseHubUrls(values.hub);
    const token = values['hub-token'] ?? env.CONSOLE_HUB_TOKEN;
    if (!token)
      throw new ArgsError(
        '--hub needs --hub-token (or CONSOLE_HUB_TOKEN): the hub refuses consoles without one',
      );
    args.hub = { url: urls[0]!, urls, token };
    if (values['hub-ca']) {
      const ca = resolve(values['hub-ca']);
      try {
        accessSync(ca, constants.R_OK);
      } catch {
        throw new ArgsError(`--hub-ca: cannot read "${ca}"`);
      }
      args.hub.ca = ca;
    }
  } else if (values['hub-token']) {
    throw new ArgsError('--hub-token was given without --hub');
  } else if (values['hub-ca']) {
    throw new ArgsError('--hub-ca was given without --hub');
  }
  return args;
}

const KNOWN = new Set([
  '--port',
  '--data-dir',
  '--site',
  '--hub',
  '--hub-token',
  '--hub-ca',
  '--demo-port',
  '--dc09-port',
  '--gb26875-port',
  '--mqtt-port',
  '--osmand-port',
  '--osmand-host',
]);

/**
 * Keeps the console's own options from an argv that also carries Chromium switches (Electron passes both),
 * in both `--opt value` and `--opt=value` forms.
 */
export function pickConsoleArgs(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = arg.split('=')[0]!;
    if (!KNOWN.has(name)) continue;
    out.push(arg);
    if (!arg.includes('=') && i + 1 < argv.length) out.push(argv[++i]!);
  }
  return out;
}
