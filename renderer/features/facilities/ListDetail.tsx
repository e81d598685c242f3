import { Box, Button, Chip, Table, TableBody, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TimelineItem } from '../../../shared/contract';
import { Head, SelectableRow, Timeline } from './parts';

/** A tab's whole height: its filter bar, its list, and what it opens, one under the other. */
export function TabColumn({ children }: { children: ReactNode }) {
  return <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>{children}</Box>;
}

/** A tab's own button in the filter bar (new, import). */
export function BarButton(props: { testId: string; onClick(): void; children: ReactNode }) {
  return (
    <Button variant="outlined" data-testid={props.testId} onClick={props.onClick}>
      {props.children}
    </Button>
  );
}

/** "Overdue", beside a deadline in a list. */
export function OverdueChip() {
  const { t } = useTranslation();
  return <Chip size="small" color="error" sx={{ ml: 1 }} label={t('facilities.overdue')} />;
}

/** What an empty list (or one its filters empty) says. */
export function NoRows({ testId }: { testId?: string | undefined }) {
  const { t } = useTranslation();
  return (
    <Typography color="text.secondary" sx={{ p: 2 }} data-testid={testId}>
      {t('facilities.noRows')}
    </Typography>
  );
}

/**
 * The list on the left, the selected row's detail on the right: a row opens its detail by a click or Enter.
 * `row` gives the row's data attributes (its test id among them) and its cells.
 */
export function ListDetail<T extends { id: string }>(props: {
  testId: string;
  cols: readonly string[];
  rows: readonly T[];
  selected: string | undefined;
  onSelect(id: string): void;
  data(row: T): Record<`data-${string}`, string>;
  cells(row: T): ReactNode;
  emptyTestId?: string;
  detail: ReactNode;
}) {
  return (
    <Box sx={{ display: 'flex', gap: 2, alignItems: 'flex-start' }}>
      <Box sx={{ flex: 3, minWidth: 0 }}>
        <Table size="small" data-testid={props.testId}>
          <Head cols={props.cols} />
          <TableBody>
            {props.rows.map((r) => (
              <SelectableRow
                key={r.id}
                selected={r.id === props.selected}
                onSelect={() => props.onSelect(r.id)}
                data={props.data(r)}
              >
                {props.cells(r)}
              </SelectableRow>
            ))}
          </TableBody>
        </Table>
        {props.rows.length === 0 && <NoRows testId={props.emptyTestId} />}
      </Box>
      {props.detail}
    </Box>
  );
}

/**
 * The selected row's detail: its title, its chips, what the tab shows of it, its moves, its timeline, and the
 * dialogs its moves ask through.
 */
export function DetailPanel(props: {
  data: Record<`data-${string}`, string>;
  title: ReactNode;
  chips: ReactNode;
  children: ReactNode;
  moves: ReactNode;
  timeline: readonly TimelineItem[];
  dialogs: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Box sx={{ flex: 2, minWidth: 320, display: 'flex', flexDirection: 'column', gap: 1 }} {...props.data}>
      <Typography variant="h6" component="h3">
        {props.title}
      </Typography>
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'center' }}>{props.chips}</Box>
      {props.children}
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>{props.moves}</Box>
      <Typography variant="subtitle2">{t('facilities.timeline')}</Typography>
      <Timeline items={props.timeline} />
      {props.dialogs}
    </Box>
  );
}

/** The moves a row's state allows, as buttons; the ones that turn the work back are outlined in amber. */
export function MoveButtons<A extends string>(props: {
  moves: readonly A[];
  back(move: A): boolean;
  testPrefix: string;
  label(move: A): string;
  onMove(move: A): void;
}) {
  return props.moves.map((a) => (
    <Button
      key={a}
      variant={props.back(a) ? 'outlined' : 'contained'}
      color={props.back(a) ? 'warning' : 'primary'}
      data-testid={`${props.testPrefix}-${a}`}
      onClick={() => props.onMove(a)}
    >
      {props.label(a)}
    </Button>
  ));
}
