import { Box, Tooltip, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ShiftBoard } from '../../../shared/contract';
import { formatValue } from '../../../shared/domain/report-charts';
import { useClient } from '../../api/client';
import { useStore } from '../../api/store';
import { useLocale } from '../../ui/hooks';
import { useOperators } from '../operators';

/** How often the board reads the shift's figures again (a cheap read: the shift's rows only). */
const EVERY_MS = 30_000;

/**
 * The live shift board (issue 19): the shift so far in one compact line of figures — alarms open and handled, the
 * median time to acknowledge against its target, rounds done and missed, hazards overdue. Each figure's definition
 * is the same as the reports'.
 */
export function ShiftBoardStrip() {
  const { t } = useTranslation();
  const locale = useLocale();
  const client = useClient();
  const operator = useStore(useOperators().operator);
  const locked = useStore(useOperators().locked);
  const confirmed = useStore(useOperators().confirmed);
  const [board, setBoard] = useState<ShiftBoard | null>(null);

  useEffect(() => {
    if (!operator || locked || confirmed === 0) return;
    let live = true;
    const load = () =>
      client.call('reports.board').then(
        (b) => live && setBoard(b),
        // A refused read (the link going down) keeps the last figures; the next tick tries again.
        () => undefined,
      );
    let soon: number | undefined;
    void load();
    const timer = window.setInterval(() => void load(), EVERY_MS);
    const off = client.on('alarms.changed', () => {
      // Handled and open move with the queue: read again soon after a change, at most once a few seconds.
      window.clearTimeout(soon);
      soon = window.setTimeout(() => void load(), 3000);
    });
    return () => {
      live = false;
      off();
      window.clearInterval(timer);
      window.clearTimeout(soon);
    };
  }, [client, operator, locked, confirmed]);

  if (!board) return null;
  const late = board.ackMedianMs !== null && board.ackMedianMs > board.ackTargetSec * 1000;
  const cell = (id: string, label: string, value: string, def: string, warn = false, note?: string) => (
    <Tooltip key={id} title={`${t('reports.definition')}: ${def}`}>
      <Box data-testid={`board-${id}`} sx={{ minWidth: 0 }}>
        <Typography variant="caption" color="text.secondary" noWrap sx={{ display: 'block' }}>
          {label}
        </Typography>
        <Typography
          data-testid="board-value"
          noWrap
          sx={{
            fontWeight: 700,
            fontVariantNumeric: 'tabular-nums',
            color: warn ? 'warning.main' : 'text.primary',
          }}
        >
          {value}
        </Typography>
        {note && (
          <Typography variant="caption" color="text.secondary" noWrap sx={{ display: 'block' }}>
            {note}
          </Typography>
        )}
      </Box>
    </Tooltip>
  );
  return (
    <Box data-testid="shift-board" aria-label={t('reports.board.title')}>
      <Typography variant="subtitle2">{t('reports.board.title')}</Typography>
      <Box
        sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(96px, 1fr))', columnGap: 1.5 }}
      >
        {cell(
          'open',
          t('reports.board.open'),
          String(board.alarmsOpen),
          t('reports.board.defOpen'),
          board.alarmsOpen > 0,
        )}
        {cell(
          'handled',
          t('reports.board.handled'),
          String(board.alarmsHandled),
          t('reports.board.defHandled'),
        )}
        {cell(
          'ack',
          t('reports.board.ackMedian'),
          formatValue(board.ackMedianMs, 'ms', locale),
          t('reports.def.ackP50'),
          late,
          // The target on a line of its own under the figure: beside it, a narrow cell cut both (「35秒 · 目…」).
          t('reports.board.target', { s: board.ackTargetSec }),
        )}
        {cell(
          'rounds',
          t('reports.board.rounds'),
          `${board.roundsDone}/${board.roundsMissed}`,
          t('reports.def.roundsMissed'),
          board.roundsMissed > 0,
        )}
        {cell(
          'hazards',
          t('reports.board.hazards'),
          String(board.hazardsOverdue),
          t('reports.def.hazardsOverdue'),
          board.hazardsOverdue > 0,
        )}
      </Box>
    </Box>
  );
}
