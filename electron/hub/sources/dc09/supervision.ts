/**
 * DC-09 supervision: an account with `supervisionSec` silent past it plus `supervisionMarginSec` gets a
 * communication fault on its panel device; its next frame commits the panel back before anything else.
 */
import { worded, type SourceLog, type SourceReport } from '../source';
import type { Dc09Config } from './config';
import { panelDevice, type AccountState } from './message';

export interface SupervisionDeps {
  accounts: ReadonlyMap<string, AccountState>;
  commit(report: SourceReport): Promise<void>;
  counts: { errors: number };
  log: SourceLog;
  now(): number;
}

export interface Dc09Supervision {
  /** Raises a communication fault for each account silent too long. */
  tick(t: number): void;
  /** The panel spoke: if it was in communication fault, say it is back (before its message is answered). */
  panelBack(a: AccountState, transport: string): Promise<void>;
}

export function createDc09Supervision(config: Dc09Config, deps: SupervisionDeps): Dc09Supervision {
  const { accounts, commit, counts, log, now } = deps;

  function tick(t: number): void {
    for (const a of accounts.values()) {
      const sec = a.cfg.supervisionSec;
      if (sec === undefined || a.faulted || a.faultCommit) continue;
      const silentMs = t - a.lastSeen;
      if (silentMs <= (sec + config.supervisionMarginSec) * 1000) continue;
      const since = a.lastSeen;
      const report: SourceReport = {
        key: `dc09:${config.id}:${a.cfg.account}:commfail:${since}`,
        device: panelDevice(config.id, a),
        kind: 'state',
        state: 'fault',
        ...(a.cfg.zone !== undefined ? { zone: a.cfg.zone } : {}),
        ...(a.cfg.position !== undefined ? { location: a.cfg.position } : {}),
        at: t,
        ...worded(
          `报警主机 ${a.cfg.account} 通信中断：${Math.round(silentMs / 1000)} 秒无消息`,
          `DC-09 account ${a.cfg.account} silent for ${Math.round(silentMs / 1000)} s`,
        ),
        origin: {
          protocol: 'DC-09',
          account: a.cfg.account,
          reason: 'supervision',
          silentSec: Math.round(silentMs / 1000),
          supervisionSec: sec,
          codeName_zh: '通信中断',
          codeName_en: 'Communication fail',
        },
      };
      a.faultCommit = commit(report)
        .then(() => {
          a.faulted = true;
          log.warn('dc09: panel silent, communication fault', {
            source: config.id,
            account: a.cfg.account,
            silentSec: Math.round(silentMs / 1000),
          });
        })
        .catch((err: unknown) => {
          counts.errors++;
          log.error('dc09: communication fault not committed (will retry)', {
            source: config.id,
            account: a.cfg.account,
            err: String(err),
          });
        })
        .finally(() => {
          a.faultCommit = undefined;
        });
    }
  }

  async function panelBack(a: AccountState, transport: string): Promise<void> {
    a.lastSeen = now();
    if (a.faultCommit) await a.faultCommit;
    if (!a.faulted) return;
    await commit({
      key: `dc09:${config.id}:${a.cfg.account}:commok:${a.lastSeen}`,
      device: panelDevice(config.id, a),
      kind: 'state',
      state: 'ok',
      ...(a.cfg.zone !== undefined ? { zone: a.cfg.zone } : {}),
      ...(a.cfg.position !== undefined ? { location: a.cfg.position } : {}),
      at: a.lastSeen,
      ...worded(`报警主机 ${a.cfg.account} 通信恢复`, `DC-09 account ${a.cfg.account} is back`),
      origin: {
        protocol: 'DC-09',
        account: a.cfg.account,
        reason: 'supervision',
        transport,
        codeName_zh: '通信恢复',
        codeName_en: 'Communication restored',
      },
    });
    a.faulted = false;
    log.info('dc09: panel back', { source: config.id, account: a.cfg.account });
  }

  return { tick, panelBack };
}
