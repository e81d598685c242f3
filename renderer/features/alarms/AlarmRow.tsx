import { Box, Chip, Typography, useTheme } from '@mui/material';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlarmView } from '../../../shared/contract';
import type { AlarmsMeta } from './store';
import { ageRatio, alarmAge, targetFor } from '../../../shared/domain/alarm-lifecycle';
import { PRIORITY_COLOURS, PRIORITY_SHAPES } from '../../ui/theme';
import { formatClock, useLocale } from '../../ui/hooks';
import { pickAlarmText } from '../../../shared/domain/text';
import { FitRow } from '../../ui/FitRow';

/**
 * A row's height in pixels: 62 at the 1080p design, grown with the root size that the row's rem-sized type follows
 * (the window's size and the operator's density, renderer/ui/theme.ts). The queue renders only visible rows by it.
 */
export function useRowHeight(): number {
  return Math.round(62 * (useTheme().typography.htmlFontSize / 16));
}

function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(s / 60);
  return m >= 60
    ? `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
    : `${m}:${String(s % 60).padStart(2, '0')}`;
}

/** A wait in whole seconds, minutes, hours or days: the unit of `notices.span` to word it in. */
function span(ms: number): { unit: 's' | 'min' | 'h' | 'd'; n: number } {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return { unit: 's', n: s };
  if (s < 7200) return { unit: 'min', n: Math.round(s / 60) };
  if (s < 172_800) return { unit: 'h', n: Math.round(s / 3600) };
  return { unit: 'd', n: Math.round(s / 86_400) };
}

/** One alarm in the queue: priority band, what and where, its live response clock against the target. */
export const AlarmRow = memo(function AlarmRow(props: {
  alarm: AlarmView;
  now: number;
  /** The core's steady clock now, when known: the response clock runs on it, not on the wall clock. */
  steadyNow?: number | undefined;
  zoneName: string;
  selected: boolean;
  targets: AlarmsMeta['targets'];
  /** By id, so the queue hands every row the same two functions and a row a batch did not change is not rendered. */
  onSelect(id: string): void;
  onOpen(id: string): void;
}) {
  const { alarm: a, now, selected } = props;
  const { t } = useTranslation();
  const said = pickAlarmText(props.alarm, useLocale());
  const rowHeight = useRowHeight();
  const targets = {
    acknowledgeSec: props.targets.acknowledgeSec as unknown as Record<number, number>,
    resolveSec: props.targets.resolveSec as unknown as Record<number, number>,
  };
  const clock = { wall: now, steady: props.steadyNow };
  const ratio = ageRatio(a, clock, targets);
  const target =
    a.state === 'new'
      ? targetFor(targets.acknowledgeSec, a.priority)
      : targetFor(targets.resolveSec, a.priority);
  const tint = a.held
    ? 'transparent'
    : ratio >= 1
      ? 'rgba(239,83,80,0.22)'
      : ratio >= 0.5
        ? 'rgba(255,183,77,0.14)'
        : 'transparent';
  return (
    <Box
      role="option"
      aria-selected={selected}
      data-testid="alarm-row"
      data-alarm-id={a.id}
      data-priority={a.priority}
      data-state={a.state}
      data-overdue={ratio >= 1 ? 'true' : 'false'}
      onClick={() => props.onSelect(a.id)}
      onDoubleClick={() => props.onOpen(a.id)}
      sx={{
        height: rowHeight,
        display: 'flex',
        alignItems: 'center',
        gap: 1,
        px: 1,
        borderLeft: 6,
        borderLeftColor: PRIORITY_COLOURS[a.priority],
        borderBottom: 1,
        borderBottomColor: 'divider',
        bgcolor: selected ? 'rgba(90,169,230,0.25)' : tint,
        outline: selected ? '2px solid #5aa9e6' : 'none',
        outlineOffset: -2,
        cursor: 'pointer',
        opacity: a.held ? 0.6 : 1,
        animation:
          a.state === 'new' && ratio >= 1 && !a.held ? 'alarmPulse 1.2s ease-in-out infinite' : 'none',
        // The pulse's peak stays dark enough for the row's light red and green text (AA 4.5:1; at 0.40 axe measured
        // 4.4:1 for 「新报警」 and the restored chip).
        '@keyframes alarmPulse': { '50%': { backgroundColor: 'rgba(239,83,80,0.30)' } },
      }}
    >
      <Chip
        size="small"
        data-testid="alarm-priority"
        label={
          <>
            <span aria-hidden="true">{PRIORITY_SHAPES[a.priority]} </span>P{a.priority}
          </>
        }
        // rem: the status scale, so the priority stays large at the compact density.
        sx={{
          bgcolor: PRIORITY_COLOURS[a.priority],
          color: '#0b0f14',
          fontWeight: 800,
          minWidth: '3rem',
          fontSize: '0.85rem',
        }}
      />
      <Box sx={{ flex: 1, minWidth: 0 }}>
        <Box sx={{ display: 'flex', gap: 0.75, alignItems: 'center' }}>
          {/* The type keeps at least five characters: on a narrow queue the chips give way, not what happened. */}
          <Typography sx={{ fontWeight: 700, fontSize: '1.02rem', flex: '0 1 auto', minWidth: '5em' }} noWrap>
            {t(`alarmType.${a.type}`)}
          </Typography>
          <Typography
            data-testid="alarm-state"
            variant="caption"
            sx={{
              fontWeight: 700,
              // The light shades: AA contrast on a row tinted red for an overdue alarm.
              color: a.state === 'new' ? 'error.light' : 'success.light',
              whiteSpace: 'nowrap',
              flexShrink: 0,
            }}
          >
            {t(`alarmState.${a.state}`)}
          </Typography>
          {/* Most telling first (a drill, an escalation): when the row is narrow, the last ones give way. */}
          <FitRow>
            {a.drill && <Chip size="small" color="info" label={t('alarms.drill')} />}
            {a.escalatedAt && a.state === 'new' && !a.escalatedWaiting && (
              <Chip size="small" color="error" label={t('alarms.escalated')} />
            )}
            {a.count > 1 && <Chip size="small" color="warning" label={t('alarms.count', { n: a.count })} />}
            {a.held && <Chip size="small" label={t('alarms.held')} />}
            {a.restoredAt !== undefined && a.state !== 'resolved' && (
              <Chip
                size="small"
                color="success"
                variant="outlined"
                data-testid="alarm-restored"
                label={t('origin.restored')}
              />
            )}
            {a.waitedMs !== undefined && (
              <Chip
                size="small"
                variant="outlined"
                data-testid="alarm-waited"
                label={t('alarms.waitedInHub', {
                  time: t(`notices.span.${span(a.waitedMs).unit}`, { n: span(a.waitedMs).n }),
                })}
              />
            )}
          </FitRow>
        </Box>
        <Typography variant="body2" color="text.secondary" noWrap>
          {props.zoneName || a.zone || '—'}
          {said ? ` · ${said}` : ''}
        </Typography>
      </Box>
      <Box sx={{ textAlign: 'right', minWidth: 80 }}>
        <Typography
          data-testid="alarm-clock"
          title={t('alarms.target', { s: target })}
          sx={{
            fontVariantNumeric: 'tabular-nums',
            fontWeight: 800,
            fontSize: '1.1rem',
            lineHeight: 1.2,
            color: ratio >= 1 ? 'error.light' : ratio >= 0.5 ? 'warning.main' : 'text.primary',
          }}
        >
          {elapsed(alarmAge(a, clock))}
        </Typography>
        <Typography variant="caption" color="text.secondary">
          {formatClock(a.receivedAt)}
        </Typography>
      </Box>
    </Box>
  );
});
