/**
 * The standalone hub's config file (`npm run hub -- --config FILE`): where it listens, the tokens consoles present,
 * TLS, its data directory, the site file and its equipment sources. Paths are relative to the config file.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { issuesOf } from '../../shared/contract';
import { SiteSourceDef } from '../../shared/domain/site';

const port = z.number().int().min(0).max(65_535);

/** How an instance names itself (`instance` here, `--instance`): in /readyz, /metrics, the log, the hub status. */
export const INSTANCE_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

export const HubConfigFile = z
  .object({
    /** The address consoles connect to (default: every interface, the hub is a server). */
    host: z.string().min(1).max(255).default('0.0.0.0'),
    /** The hub protocol's port (socket.io over http or https; `/health` too). */
    port: port.default(4100),
    /** Tokens every console may present; per-console ones are issued with `hub token issue NAME`. */
    tokens: z.array(z.string().min(16, 'a token of at least 16 characters').max(512)).max(256).default([]),
    /** PEM files: with them the hub speaks https/wss only. */
    tls: z
      .object({ cert: z.string().min(1), key: z.string().min(1) })
      .strict()
      .optional(),
    /** The hub's database (`hub.sqlite`, unless `database` names a PostgreSQL one) and logs (`logs/`). */
    dataDir: z.string().min(1),
    /**
     * A PostgreSQL database for the hub's log, ledger and registry instead of `dataDir/hub.sqlite`
     * (`postgres://user@host:5432/db`; a password better in ~/.pgpass or PGPASSWORD than here). `--db` overrides it.
     */
    database: z
      .string()
      .max(2000)
      .regex(/^postgres(ql)?:\/\//i, 'a postgres:// or postgresql:// URL')
      .optional(),
    /**
     * This instance's name when several share one PostgreSQL database (/readyz, /metrics, the consoles' hub
     * status); default: the host name and port. `--instance` overrides it.
     */
    instance: z.string().regex(INSTANCE_NAME, 'letters, digits and _ . : - (1-64)').optional(),
    /**
     * The site file: its `sources` section configures the equipment. Default: the demo site's zones (its demo
     * devices' sources only when the hub plays the scenario).
     */
    site: z.string().min(1).optional(),
    /** More sources, beside the site file's (ids must differ). */
    sources: z.array(SiteSourceDef).max(32).default([]),
    /** Plays the demo scenario (a trial hub). */
    scenario: z.boolean().default(false),
    logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  })
  .strict();
export type HubConfigFile = z.infer<typeof HubConfigFile>;

export class HubConfigError extends Error {
  override name = 'HubConfigError';
}

/** Reads and checks the file; paths come back absolute. */
export function loadHubConfig(file: string): HubConfigFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new HubConfigError(`hub config ${file}: ${(err as Error).message}`);
  }
  const parsed = HubConfigFile.safeParse(json);
  if (!parsed.success) {
    const problems = issuesOf(parsed.error).map((p) => `${p.path}: ${p.message}`);
    throw new HubConfigError(`hub config ${file} is not valid: ${problems.join('; ')}`);
  }
  const at = (p: string) => (isAbsolute(p) ? p : resolve(dirname(file), p));
  const c = parsed.data;
  return {
    ...c,
    dataDir: at(c.dataDir),
    ...(c.site ? { site: at(c.site) } : {}),
    ...(c.tls ? { tls: { cert: at(c.tls.cert), key: at(c.tls.key) } } : {}),
  };
}
