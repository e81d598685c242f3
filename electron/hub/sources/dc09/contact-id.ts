/**
 * Contact ID (SIA DC-05) as carried in ADM-CID: `[#ACCT|]QEEE GG ZZZ` — qualifier, event code, partition, zone
 * (or user). The shipped table (contact-id.codes.json) says what each code means to the console; a site overrides
 * it per code (`codeOverrides` in the source's config, entries of the same shape). Codes not in the table are
 * "unknown" and still reported.
 */
import { z } from 'zod';
import type { AlarmType } from '../../../../shared/domain/alarm';
import { CodeOverride as OverrideSchema } from './config';
import shippedCodes from './contact-id.codes.json';

/**
 * What a code does: `alarm` opens an alarm of `type` (its restore closes it); `fault` sets the device's state to
 * fault (its restore back to ok); `event` is logged and changes nothing; `alive` only proves the panel is there.
 */
export type CodeAction =
  { kind: 'alarm'; type: AlarmType } | { kind: 'fault' } | { kind: 'event' } | { kind: 'alive' };

/** What ZZZ (or a SIA address) numbers: a zone (a device of the panel), a user, or nothing (the panel itself). */
export type CodeScope = 'zone' | 'user' | 'panel';

export interface CodeEntry {
  action: CodeAction;
  scope: CodeScope;
  zh: string;
  en: string;
  /** Open/close codes: Q=1 is an opening (disarmed), Q=3 a closing (armed). */
  arming?: boolean;
}

/** A site's replacement for a table entry; names and scope default to the shipped entry's. */
export interface CodeOverride {
  action: CodeAction;
  scope?: CodeScope;
  zh?: string;
  en?: string;
}

/** A shipped entry: the shape of a site's override (`codeOverrides`), with the scope and both names given. */
export const ShippedCode = OverrideSchema.required({ scope: true, zh: true, en: true }).extend({
  /** Open/close codes: Q=1 is an opening (disarmed), Q=3 a closing (armed). */
  arming: z.literal(true).optional(),
});

/**
 * The shipped Contact ID table, by 3-digit code (contact-id.codes.json, checked when the module loads).
 *
 * The console has no medical, panic or tamper type: medical and panic codes raise guard_sos (a person needs help
 * now, priority 1, which no source may lower), tamper codes raise intrusion. The alarm detail shows the code's
 * own name, so the operator still reads "duress" or "sensor tamper".
 */
export const CONTACT_ID_TABLE: ReadonlyMap<string, CodeEntry> = new Map(
  Object.entries(z.record(z.string().regex(/^[0-9A-F]{3}$/), ShippedCode).parse(shippedCodes)),
);

/** The table entry for a code, a site's override taking precedence; undefined = unknown code. */
export function lookupCode(
  table: ReadonlyMap<string, CodeEntry>,
  code: string,
  ...overrides: Array<Readonly<Record<string, CodeOverride>> | undefined>
): CodeEntry | undefined {
  const shipped = table.get(code);
  for (const o of overrides) {
    const over = o?.[code];
    if (over) {
      return {
        action: over.action,
        scope: over.scope ?? shipped?.scope ?? 'zone',
        zh: over.zh ?? shipped?.zh ?? code,
        en: over.en ?? shipped?.en ?? code,
        ...(shipped?.arming ? { arming: true } : {}),
      };
    }
  }
  return shipped;
}

export interface ContactId {
  /** From a `#ACCT|` prefix inside the data, when the panel repeats it there. */
  account?: string;
  /** 1 new event / opening, 3 restore / closing, 6 still present. */
  qualifier: number;
  /** 3 digits, upper case. */
  code: string;
  partition: string;
  /** ZZZ: a zone, or a user for user-scoped codes. */
  zone: string;
}

const CID = /^(?:#([0-9A-Fa-f]{3,16})\|)?([0-9A-Fa-f])([0-9A-Fa-f]{3}) ?([0-9A-Fa-f]{2}) ?([0-9A-Fa-f]{3})$/;

/** Reads `[#ACCT|]QEEE GG ZZZ` (spaces optional). */
export function parseContactId(data: string): { ok: true; cid: ContactId } | { ok: false; reason: string } {
  const m = CID.exec(data.trim());
  if (!m) return { ok: false, reason: `"${data.slice(0, 40)}" is not Contact ID (QEEE GG ZZZ)` };
  return {
    ok: true,
    cid: {
      ...(m[1] !== undefined ? { account: m[1].toUpperCase() } : {}),
      qualifier: parseInt(m[2]!, 16),
      code: m[3]!.toUpperCase(),
      partition: m[4]!.toUpperCase(),
      zone: m[5]!.toUpperCase(),
    },
  };
}

export function formatContactId(cid: Omit<ContactId, 'account'>, account?: string): string {
  const prefix = account !== undefined ? `#${account}|` : '';
  return `${prefix}${cid.qualifier}${cid.code} ${cid.partition} ${cid.zone}`;
}

/** What a message says about its condition: Q=1 new (or opening), Q=3 restore (or closing), Q=6 still present. */
export type Meaning = 'new' | 'restore' | 'repeat';

export function qualifierMeaning(qualifier: number): Meaning | undefined {
  return qualifier === 1 ? 'new' : qualifier === 3 ? 'restore' : qualifier === 6 ? 'repeat' : undefined;
}

export interface Effect {
  kind: 'alarm' | 'restore' | 'state' | 'alive' | 'event';
  type?: AlarmType;
  state?: 'ok' | 'fault';
}

/**
 * The report a code's action and a message's meaning make: an alarm code opens on Q=1 and closes on Q=3, a fault
 * code sets fault and back to ok, events stay events, and "still present" (Q=6) only proves the panel is there.
 */
export function effectOf(action: CodeAction, meaning: Meaning): Effect {
  if (action.kind === 'event') return { kind: 'event' };
  if (action.kind === 'alive' || meaning === 'repeat') return { kind: 'alive' };
  if (action.kind === 'alarm')
    return { kind: meaning === 'restore' ? 'restore' : 'alarm', type: action.type };
  return { kind: 'state', state: meaning === 'restore' ? 'ok' : 'fault' };
}
