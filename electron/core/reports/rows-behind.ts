import type { ReportRow } from '../../../shared/contract';
import {
  counted,
  FALSE_DISPOSITIONS,
  roundOutcome,
  type AlarmFact,
  type RoundFact,
} from '../../../shared/domain/report-figures';
import type { PeriodFacts } from './facts';
import type { BuildContext } from './build';

/** The rows behind one bar: the alarms, rounds or orders its key and series stand for, newest first. */
export function rowsBehind(
  facts: PeriodFacts,
  chart: string,
  key: string,
  series: string | undefined,
  c: BuildContext,
): ReportRow[] {
  const { labels } = c;
  const alarms = counted(facts.alarms);
  const alarmRow = (a: AlarmFact): ReportRow => {
    const type = labels.alarmType(a.type);
    const zone = labels.zone(a.zone);
    const disp = a.disposition
      ? labels.text(`disposition.${a.disposition}`)
      : labels.text('reports.openState');
    return {
      id: a.id,
      at: a.receivedAt,
      text: {
        'zh-CN': `P${a.priority} ${type['zh-CN']} · ${zone['zh-CN']} · ${disp['zh-CN']}`,
        en: `P${a.priority} ${type.en} · ${zone.en} · ${disp.en}`,
      },
    };
  };
  const roundRow = (r: RoundFact): ReportRow => {
    const route = labels.route(r.routeId);
    const outcome = labels.text(`reports.series.${roundOutcome(r)}`);
    const guard = labels.guard(r.guardId);
    return {
      id: `${r.routeId}@${r.roundStart}`,
      at: r.roundStart,
      text: {
        'zh-CN': `${route['zh-CN']} · ${outcome['zh-CN']} · ${guard['zh-CN']}`,
        en: `${route.en} · ${outcome.en} · ${guard.en}`,
      },
    };
  };
  const falseSeries = series === 'falseOrNuisance';
  const judged = (a: AlarmFact) =>
    series === undefined ||
    (falseSeries ? FALSE_DISPOSITIONS.has(a.disposition ?? '') : a.disposition === 'real');
  const walked = facts.rounds.filter(
    (r) => !r.skipped && (series === undefined || roundOutcome(r) === series),
  );
  let rows: ReportRow[];
  switch (chart) {
    case 'byType':
      rows = alarms.filter((a) => a.type === key).map(alarmRow);
      break;
    case 'byZone':
      rows = alarms.filter((a) => (a.zone ?? '') === key).map(alarmRow);
      break;
    case 'byPriority':
    case 'withinTarget':
      rows = alarms.filter((a) => String(a.priority) === key).map(alarmRow);
      break;
    case 'worstDevices':
      rows = alarms.filter((a) => a.deviceId === key && judged(a)).map(alarmRow);
      break;
    case 'worstZones':
      rows = alarms.filter((a) => a.zone === key && judged(a)).map(alarmRow);
      break;
    case 'byRoute':
      rows = walked.filter((r) => r.routeId === key).map(roundRow);
      break;
    case 'byBand':
      rows = walked.filter((r) => r.band === key).map(roundRow);
      break;
    case 'byGuard':
    case 'guardRounds':
      rows = walked.filter((r) => (r.guardId ?? '') === key).map(roundRow);
      break;
    case 'operatorAck':
      rows = alarms.filter((a) => a.ackBy === key).map(alarmRow);
      break;
    case 'checkpointsMissed':
      rows = facts.rounds.filter((r) => !r.skipped && r.missedCheckpoints.includes(key)).map(roundRow);
      break;
    case 'orders':
      rows = facts.orders
        .filter((o) =>
          key === 'closed' ? o.closedAt !== null : key === 'overdue' ? (o.closedAt ?? c.now) > o.dueAt : true,
        )
        .map((o) => ({
          id: o.id,
          at: o.createdAt,
          text: labels.text(`facilities.orderState.${o.state}`),
        }));
      break;
    default:
      rows = [];
  }
  return rows.sort((a, b) => b.at - a.at || (a.id < b.id ? -1 : 1));
}
