import {
  Box,
  Button,
  Chip,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PostView } from '../../../shared/contract';
import { useStore } from '../../api/store';
import { useText } from '../../ui/hooks';
import { useHasRole } from '../operators';
import { useSystem } from '../system';
import { AssignDialog } from './AssignDialog';
import { Holidays } from './Holidays';
import { board as boardStore } from './store';
import { shiftLabel, span } from './words';

const STATE_COLOUR = {
  held: 'success',
  unassigned: 'default',
  guard_away: 'warning',
  guard_offline: 'warning',
} as const;

/**
 * The fixed posts (定点值守): who holds each post this shift and who comes next, the peaks running and ahead, and
 * the holiday calendar. A supervisor assigns guards (A on a focused row, or its button) and edits the calendar.
 */
export function PostsTab() {
  const { t } = useTranslation();
  const text = useText();
  const board = useStore(boardStore);
  const site = useStore(useSystem().site);
  const supervisor = useHasRole('supervisor');
  const [assigning, setAssigning] = useState<PostView | null>(null);
  if (!board) return <Typography color="text.secondary">{t('posts.loading')}</Typography>;
  const guardName = (id: string | undefined) => {
    if (!id) return t('posts.nobody');
    const g = site?.guards.find((x) => x.id === id);
    return g ? text(g.name) : id;
  };
  const postName = (id: string) => {
    const p = board.posts.find((x) => x.id === id);
    return p ? text(p.name) : id;
  };
  const holiday = board.holidays.find((h) => h.date === board.today.date);
  return (
    <Stack spacing={1.5} data-testid="posts-tab">
      <Box sx={{ display: 'flex', gap: 2, alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography data-testid="posts-shift">
          {t('posts.shiftNow', { shift: shiftLabel(t, board.shift, site?.timeZone) })}
        </Typography>
        <Chip
          size="small"
          data-testid="posts-today"
          data-kind={board.today.kind}
          color={board.today.kind === 'holiday' ? 'secondary' : 'default'}
          label={`${t(`posts.dayKind.${board.today.kind}`)}${holiday ? ` · ${holiday.name}` : ''}`}
        />
      </Box>
      <Box>
        <Typography variant="subtitle2" sx={{ mb: 0.5 }}>
          {t('posts.peaks')}
        </Typography>
        {board.peaks.length === 0 ? (
          <Typography color="text.secondary">{t('posts.noPeaks')}</Typography>
        ) : (
          <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
            {board.peaks.map((p) => (
              <Chip
                key={`${p.id}:${p.day}`}
                data-testid="posts-peak"
                data-peak={p.id}
                data-active={p.active}
                color={p.active ? 'warning' : 'default'}
                variant={p.active ? 'filled' : 'outlined'}
                title={t('posts.peakPosts', { posts: p.posts.map(postName).join(' / ') })}
                label={`${p.active ? `${t('posts.peakNow')} · ` : ''}${text(p.name)} ${p.day.slice(5)} ${span(p, site?.timeZone)}`}
              />
            ))}
          </Box>
        )}
      </Box>
      {board.posts.length === 0 ? (
        <Typography color="text.secondary">{t('posts.none')}</Typography>
      ) : (
        <Table size="small" data-testid="post-list">
          <TableHead>
            <TableRow>
              <TableCell>{t('posts.post')}</TableCell>
              <TableCell>{t('posts.thisShift')}</TableCell>
              <TableCell>{t('posts.state')}</TableCell>
              <TableCell>{t('posts.nextShift')}</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {board.posts.map((p) => (
              <TableRow
                key={p.id}
                data-testid="post-row"
                data-post={p.id}
                data-state={p.state}
                data-alarmed={p.alarmed}
                tabIndex={0}
                onKeyDown={(e) => {
                  if (supervisor && e.key.toLowerCase() === 'a' && !e.altKey && !e.ctrlKey && !e.metaKey) {
                    e.preventDefault();
                    setAssigning(p);
                  }
                }}
              >
                <TableCell sx={{ fontWeight: 600 }}>
                  {text(p.name)} <Chip size="small" variant="outlined" label={t(`posts.kind.${p.kind}`)} />
                </TableCell>
                <TableCell data-testid="post-guard">{guardName(p.guardId)}</TableCell>
                <TableCell>
                  <Chip
                    size="small"
                    color={p.required && p.state !== 'held' ? 'error' : STATE_COLOUR[p.state]}
                    label={t(`posts.stateOf.${p.state}`)}
                  />{' '}
                  {p.required && (
                    <Chip size="small" color="warning" variant="outlined" label={t('posts.required')} />
                  )}
                </TableCell>
                <TableCell data-testid="post-next-guard">{guardName(p.nextGuardId)}</TableCell>
                <TableCell align="right">
                  {supervisor && (
                    <Button size="small" data-testid="post-assign" onClick={() => setAssigning(p)}>
                      {t('posts.assign')}
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <Typography variant="caption" color="text.secondary">
        {supervisor ? t('posts.hintSupervisor') : t('posts.hintOperator')}
      </Typography>
      <Holidays board={board} supervisor={supervisor} />
      {assigning && <AssignDialog board={board} post={assigning} onClose={() => setAssigning(null)} />}
    </Stack>
  );
}
