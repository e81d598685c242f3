import { describe, expect, it } from 'vitest';
import {
  certificateTiming,
  DEFAULT_SITE_TRAINING,
  signOnVerdict,
  SiteTraining,
} from '../../shared/domain/training';
import { SiteFile } from '../../shared/domain/site';
import { CertificateInput } from '../../shared/contract';
import { DrillRecurrence, nextDrillDue } from '../../shared/domain/drill-schedule';

const SH = 'Asia/Shanghai';
const HOUR = 3_600_000;
/** A Shanghai local time as an instant (UTC+8, no daylight saving). */
const sh = (y: number, m: number, d: number, h = 0, min = 0) => Date.UTC(y, m - 1, d, h - 8, min);

describe('certificate expiry in the site calendar', () => {
  it('is valid through its expiry day and expired from the local midnight after it', () => {
    const t = (at: number) => certificateTiming('2026-01-31', at, SH, 30);
    expect(t(sh(2026, 1, 31, 23, 59))).toMatchObject({ status: 'expiring', daysLeft: 0 });
    expect(t(sh(2026, 2, 1, 0, 0))).toMatchObject({ status: 'expired', daysLeft: -1 });
    expect(t(sh(2026, 2, 1)).endsAt).toBe(sh(2026, 2, 1));
    // 30 days before 31 January is 1 January: the last day of December is still plain valid.
    expect(t(sh(2025, 12, 31, 23, 59))).toMatchObject({ status: 'valid', daysLeft: 31 });
    expect(t(sh(2026, 1, 1, 0, 0))).toMatchObject({ status: 'expiring', daysLeft: 30 });
  });

  it('counts calendar days across February and a leap day', () => {
    // 30 days before 1 March 2026 (February has 28 days) is 30 January.
    expect(certificateTiming('2026-03-01', sh(2026, 1, 29, 23), SH, 30).status).toBe('valid');
    expect(certificateTiming('2026-03-01', sh(2026, 1, 30, 0), SH, 30)).toMatchObject({
      status: 'expiring',
      daysLeft: 30,
    });
    // 2028 is a leap year: 30 days before 1 March is 31 January.
    expect(certificateTiming('2028-03-01', sh(2028, 1, 30, 23), SH, 30).status).toBe('valid');
    expect(certificateTiming('2028-03-01', sh(2028, 1, 31, 0), SH, 30).status).toBe('expiring');
    // From 31 March, one day's notice starts at the local midnight of 30 March (not "a month minus a day").
    expect(certificateTiming('2026-03-31', sh(2026, 3, 30, 0), SH, 1).status).toBe('expiring');
    expect(certificateTiming('2026-03-31', sh(2026, 3, 29, 23, 59), SH, 1).status).toBe('valid');
  });

  it("follows the site's zone, not UTC's day: the same instant is a different day in Shanghai and New York", () => {
    // 2026-05-31 20:00 UTC is already 1 June 04:00 in Shanghai but still 31 May 16:00 in New York.
    const at = Date.UTC(2026, 4, 31, 20);
    expect(certificateTiming('2026-05-31', at, SH, 30).status).toBe('expired');
    expect(certificateTiming('2026-05-31', at, 'America/New_York', 30)).toMatchObject({
      status: 'expiring',
      daysLeft: 0,
    });
    // New York's end of 31 May is 1 June 00:00 EDT = 04:00 UTC.
    expect(certificateTiming('2026-05-31', at, 'America/New_York', 30).endsAt).toBe(Date.UTC(2026, 5, 1, 4));
  });

  it('keeps local midnights across a daylight-saving change (the notice day and the end are local)', () => {
    // New York springs forward on 8 March 2026: 30 days before 31 March is 1 March, EST (UTC−5).
    const t = certificateTiming('2026-03-31', Date.UTC(2026, 2, 15), 'America/New_York', 30);
    expect(t.noticeFrom).toBe(Date.UTC(2026, 2, 1, 5));
    // The end, 1 April 00:00, is EDT (UTC−4).
    expect(t.endsAt).toBe(Date.UTC(2026, 3, 1, 4));
    expect(t.endsAt - t.noticeFrom).toBe(31 * 24 * HOUR - HOUR);
  });
});

describe('the fire desk sign-on rule', () => {
  const now = sh(2026, 6, 10, 9);
  const rule = (expired: 'refuse' | 'warn' | 'allow', missing: 'refuse' | 'warn' | 'allow' = 'allow') =>
    SiteTraining.parse({ fireDesk: { expired, missing } }).fireDesk;

  it('refuses an operator whose newest certificate has expired, and lets a renewed one through', () => {
    expect(signOnVerdict(rule('refuse'), 'operator', ['2026-06-09'], now, SH)).toEqual({
      verdict: 'refuse',
      why: 'expired',
      expiresOn: '2026-06-09',
    });
    // Valid through its expiry day.
    expect(signOnVerdict(rule('refuse'), 'operator', ['2026-06-10'], now, SH)).toEqual({ verdict: 'ok' });
    expect(signOnVerdict(rule('refuse'), 'operator', ['2023-01-01', '2029-01-01'], now, SH)).toEqual({
      verdict: 'ok',
    });
  });

  it('only warns a supervisor or an administrator, so someone can always sign in to record a renewal', () => {
    expect(signOnVerdict(rule('refuse', 'refuse'), 'supervisor', ['2020-01-01'], now, SH)).toMatchObject({
      verdict: 'warn',
      why: 'expired',
    });
    expect(signOnVerdict(rule('refuse', 'refuse'), 'admin', [], now, SH)).toEqual({
      verdict: 'warn',
      why: 'missing',
    });
  });

  it('by default warns on an expired certificate and lets one without any sign on', () => {
    const d = DEFAULT_SITE_TRAINING.fireDesk;
    expect(d).toEqual({ certificate: 'fire_facility_operator', expired: 'warn', missing: 'allow' });
    expect(signOnVerdict(d, 'operator', ['2020-01-01'], now, SH).verdict).toBe('warn');
    expect(signOnVerdict(d, 'operator', [], now, SH)).toEqual({ verdict: 'ok' });
    expect(signOnVerdict(rule('allow'), 'operator', ['2020-01-01'], now, SH)).toEqual({ verdict: 'ok' });
  });

  it('the site file takes the section and refuses a bad one with its path', () => {
    const demo = {
      version: 1,
      name: 'x',
      address: 'y',
      plan: {
        image: 'p.svg',
        bounds: {
          southWest: { lat: 0, lon: 0 },
          northEast: { lat: 1, lon: 1 },
        },
      },
    };
    expect(SiteFile.parse(demo).training).toEqual(DEFAULT_SITE_TRAINING);
    const bad = SiteFile.safeParse({ ...demo, training: { expiryNoticeDays: 0 } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['training', 'expiryNoticeDays']);
    expect(SiteFile.safeParse({ ...demo, training: { fireDesk: { expired: 'maybe' } } }).success).toBe(false);
  });

  it('a certificate must expire after it was issued, on a date of the calendar', () => {
    const base = {
      person: { kind: 'guard', id: 'guard-01' },
      kind: 'fire_facility_operator',
      number: 'N1',
      issuedBy: '鉴定中心',
    };
    expect(
      CertificateInput.safeParse({ ...base, issuedOn: '2026-01-01', expiresOn: '2029-01-01' }).success,
    ).toBe(true);
    expect(
      CertificateInput.safeParse({ ...base, issuedOn: '2026-01-01', expiresOn: '2025-01-01' }).success,
    ).toBe(false);
    expect(
      CertificateInput.safeParse({ ...base, issuedOn: '2026-02-30', expiresOn: '2029-01-01' }).success,
    ).toBe(false);
  });
});

describe('the recurring drill schedule in the site calendar', () => {
  const month = DrillRecurrence.parse({ every: 'month', monthDay: 31, at: '14:30' });
  const quarter = DrillRecurrence.parse({ every: 'quarter', monthDay: 15, at: '09:00', quarterMonth: 2 });

  it('a monthly drill on the 31st falls on each month end, February included', () => {
    let at = sh(2026, 1, 1);
    const dues: number[] = [];
    for (let i = 0; i < 4; i++) dues.push((at = nextDrillDue(month, at, SH)));
    expect(dues).toEqual([
      sh(2026, 1, 31, 14, 30),
      sh(2026, 2, 28, 14, 30),
      sh(2026, 3, 31, 14, 30),
      sh(2026, 4, 30, 14, 30),
    ]);
    // Strictly after: at the due time itself, the next one.
    expect(nextDrillDue(month, sh(2026, 1, 31, 14, 30), SH)).toBe(sh(2026, 2, 28, 14, 30));
  });

  it("a quarterly drill in the quarter's second month, across the year end", () => {
    expect(nextDrillDue(quarter, sh(2026, 11, 16), SH)).toBe(sh(2027, 2, 15, 9));
    expect(nextDrillDue(quarter, sh(2026, 11, 14), SH)).toBe(sh(2026, 11, 15, 9));
    expect(nextDrillDue(quarter, sh(2026, 1, 1), SH)).toBe(sh(2026, 2, 15, 9));
  });

  it("keeps the site's local time across a daylight-saving change", () => {
    const ny = DrillRecurrence.parse({ every: 'month', monthDay: 10, at: '10:00' });
    // 10 February: EST (UTC−5); 10 March, after the 8 March change: EDT (UTC−4).
    expect(nextDrillDue(ny, Date.UTC(2026, 1, 1), 'America/New_York')).toBe(Date.UTC(2026, 1, 10, 15));
    expect(nextDrillDue(ny, Date.UTC(2026, 1, 11), 'America/New_York')).toBe(Date.UTC(2026, 2, 10, 14));
  });
});
