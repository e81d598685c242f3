import { createHash, randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import type { Knex } from 'knex';
import type { GuardDeviceView } from '../../../shared/contract';
import type { SiteFile } from '../../../shared/domain/site';
import type { Actor } from '../actor';
import { appendAudit, auditActor } from '../audit/audit';
import { ServiceError } from '../errors';
import type { DeviceMatch } from './osmand';

/** Shorter site-file ids are guessable (`guard-phone-01`): the phone endpoint refuses them. */
export const MIN_DEVICE_ID_LENGTH = 20;

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Known {
  id: string;
  guardId: string;
  label: string;
  origin: 'site' | 'console';
  issuedAt?: number | undefined;
  issuedBy?: string | undefined;
  lastSeenAt?: number;
  lastAddress?: string;
}

interface DeviceRow {
  id: string;
  guard_id: string;
  label: string;
  secret_sha256: string;
  issued_at: number;
  issued_by: string;
}

/**
 * The phones allowed to report positions: ids from the site file and secrets the console issued. Lookups go by
 * the SHA-256 of what the phone sent, so the secret itself is only ever in the phone (and, for site-file ids, in
 * the site file).
 */
export class GuardDevices {
  private readonly byHash = new Map<string, Known>();
  private readonly weak = new Map<string, string>();
  /** Log lines about the site file's ids (English, for the administrator's log). */
  readonly warnings: string[] = [];
  /** The site file's ids too short to be secrets, for the operators' notice. */
  readonly weakIds: Array<{ guardId: string; n: number; length: number }> = [];

  constructor(
    private readonly db: Knex,
    private readonly site: SiteFile,
  ) {
    for (const g of site.guards) {
      g.devices.forEach((d, i) => {
        const hashed = /^sha256:([0-9a-f]{64})$/i.exec(d)?.[1]?.toLowerCase();
        const hash = hashed ?? sha256(d);
        const known: Known = {
          id: `site-${g.id}-${i + 1}`,
          guardId: g.id,
          label: `${g.id} #${i + 1}`,
          origin: 'site',
        };
        if (!hashed && d.length < MIN_DEVICE_ID_LENGTH) {
          this.weak.set(hash, g.id);
          this.weakIds.push({ guardId: g.id, n: i + 1, length: d.length });
          this.warnings.push(
            `Guard ${g.id}'s phone id #${i + 1} in the site file is too short to be a secret (${d.length} characters; at least ` +
              `${MIN_DEVICE_ID_LENGTH}): its positions are refused. Issue the phone an id in the console, or put a long random id in the site file.`,
          );
          return;
        }
        this.byHash.set(hash, known);
      });
    }
  }

  async load(): Promise<void> {
    const rows = (await this.db('guard_devices').whereNull('revoked_at').select()) as DeviceRow[];
    for (const r of rows) {
      if (!this.site.guards.some((g) => g.id === r.guard_id)) continue;
      this.byHash.set(r.secret_sha256, {
        id: r.id,
        guardId: r.guard_id,
        label: r.label,
        origin: 'console',
        issuedAt: r.issued_at,
        issuedBy: r.issued_by,
      });
    }
  }

  /** The guard a phone's id belongs to; a sentence for an id the site file gives but that is too weak. */
  identify(deviceId: string): DeviceMatch | string | undefined {
    const hash = sha256(deviceId);
    const known = this.byHash.get(hash);
    if (known) return { guardId: known.guardId, device: known.id };
    if (this.weak.has(hash)) {
      return `this device id is too short to be a secret: issue the phone a new id in the console (at least ${MIN_DEVICE_ID_LENGTH} random characters)`;
    }
    return undefined;
  }

  seen(deviceRef: string, address: string, at: number): void {
    for (const k of this.byHash.values()) {
      if (k.id !== deviceRef) continue;
      k.lastSeenAt = at;
      k.lastAddress = address;
    }
  }

  /** A safe name for alarms and logs: the label and the short id, never the secret. */
  describe(deviceRef: string): string {
    for (const k of this.byHash.values()) if (k.id === deviceRef) return `${k.label} (${k.id})`;
    return deviceRef;
  }

  list(): GuardDeviceView[] {
    return [...this.byHash.values()].map((k) => ({
      id: k.id,
      guardId: k.guardId,
      label: k.label,
      origin: k.origin,
      ...(k.issuedAt !== undefined ? { issuedAt: k.issuedAt } : {}),
      ...(k.issuedBy !== undefined ? { issuedBy: k.issuedBy } : {}),
      ...(k.lastSeenAt !== undefined ? { lastSeenAt: k.lastSeenAt } : {}),
      ...(k.lastAddress !== undefined ? { lastAddress: k.lastAddress } : {}),
    }));
  }

  /** A new secret for one phone, audited; the caller shows it once. Stored as a hash only. */
  issue(
    guardId: string,
    label: string,
    actor: Actor,
    at: number,
  ): Promise<{ view: GuardDeviceView; secret: string }> {
    return this.db.transaction(async (trx) => {
      const made = await this.insert(trx, guardId, label, actor.name, at);
      await appendAudit(trx, {
        at,
        ...auditActor(actor),
        action: 'guards.issueDevice',
        target: guardId,
        details: { device: made.view.id, label },
      });
      return made;
    });
  }

  /** Stops a console-issued secret from working, audited; site-file ids are removed by editing the site file. */
  async revoke(id: string, actor: Actor, at: number): Promise<void> {
    if (this.isSiteDevice(id)) {
      throw new ServiceError(
        'conflict',
        `${id} comes from the site file: remove it there and restart the console.`,
      );
    }
    await this.db.transaction(async (trx) => {
      const gone = await this.remove(trx, id, actor.name, at);
      if (!gone) throw new ServiceError('not_found', `There is no phone "${id}" issued by this console.`);
      await appendAudit(trx, {
        at,
        ...auditActor(actor),
        action: 'guards.revokeDevice',
        target: gone.guardId,
        details: { device: id, label: gone.label },
      });
    });
  }

  private async insert(
    trx: Knex.Transaction,
    guardId: string,
    label: string,
    by: string,
    at: number,
  ): Promise<{ view: GuardDeviceView; secret: string }> {
    const secret = randomBytes(24).toString('base64url');
    const id = `phone-${randomBytes(4).toString('hex')}`;
    const hash = sha256(secret);
    await trx('guard_devices').insert({
      id,
      guard_id: guardId,
      label,
      secret_sha256: hash,
      issued_at: at,
      issued_by: by,
    });
    const known: Known = { id, guardId, label, origin: 'console', issuedAt: at, issuedBy: by };
    trx.executionPromise.then(
      () => this.byHash.set(hash, known),
      () => undefined,
    );
    return { view: { id, guardId, label, origin: 'console', issuedAt: at, issuedBy: by }, secret };
  }

  private async remove(
    trx: Knex.Transaction,
    id: string,
    by: string,
    at: number,
  ): Promise<Known | undefined> {
    const row = (await trx('guard_devices').where({ id }).whereNull('revoked_at').first()) as
      DeviceRow | undefined;
    if (!row) return undefined;
    await trx('guard_devices').where({ id }).update({ revoked_at: at, revoked_by: by });
    trx.executionPromise.then(
      () => this.byHash.delete(row.secret_sha256),
      () => undefined,
    );
    return { id: row.id, guardId: row.guard_id, label: row.label, origin: 'console' };
  }

  isSiteDevice(id: string): boolean {
    return [...this.byHash.values()].some((k) => k.id === id && k.origin === 'site');
  }
}

/**
 * Traccar Client takes its settings from an http(s) link (or its QR code): the link's address becomes the
 * server URL and `id` the device identifier. One link per address the phone endpoint listens on; none when it is off.
 */
export function setupLinks(endpoint: { port: number; host: string } | undefined, secret: string): string[] {
  if (!endpoint) return [];
  const { port, host } = endpoint;
  const hosts =
    host === '0.0.0.0' || host === '::'
      ? Object.values(networkInterfaces())
          .flat()
          .filter((i) => i && i.family === 'IPv4' && !i.internal)
          .map((i) => i!.address)
      : [host];
  return hosts.map(
    (h) =>
      `http://${h.includes(':') ? `[${h}]` : h}:${port}/?id=${encodeURIComponent(secret)}&accuracy=high&interval=10`,
  );
}
