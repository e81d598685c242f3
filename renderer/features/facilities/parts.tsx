import {
  Box,
  Chip,
  List,
  ListItem,
  ListItemText,
  Paper,
  TableCell,
  TableHead,
  TableRow,
  Typography,
  type ChipProps,
} from '@mui/material';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Contact, TimelineItem } from '../../../shared/contract';
import { useStore } from '../../api/store';
import { useSystem } from '../system';
import { CheckInput, SelectInput, type Option } from '../../ui/fields';
import { formatClock, useText } from '../../ui/hooks';

/** Colours by what the operator must do: red waits for someone, amber is being worked, green is finished. */
const COLOURS: Record<string, ChipProps['color']> = {
  open: 'error',
  assigned: 'warning',
  in_progress: 'warning',
  done: 'info',
  verified: 'success',
  refused: 'default',
  rectifying: 'warning',
  rectified: 'info',
  closed: 'success',
  ok: 'success',
  fault: 'warning',
  offline: 'error',
  none: 'default',
  urgent: 'error',
  high: 'warning',
  normal: 'info',
  low: 'default',
};

/** A large status chip: readable from the second monitor in a dim room. */
export function StatusChip({ value, label, testId }: { value: string; label: string; testId?: string }) {
  return (
    <Chip
      label={label}
      color={COLOURS[value] ?? 'default'}
      data-testid={testId}
      data-value={value}
      sx={{ fontSize: '0.95rem', height: 30, fontWeight: 600 }}
    />
  );
}

export function stamp(at: number): string {
  const sameDay = new Date(at).toDateString() === new Date().toDateString();
  return sameDay
    ? formatClock(at, false)
    : `${new Date(at).toLocaleDateString('sv-SE')} ${formatClock(at, false)}`;
}

/** A zone's name in the operator's language (the id when the site has no such zone). */
export function useZoneName(): (id: string | undefined) => string {
  const site = useStore(useSystem().site);
  const text = useText();
  return (id) => (id ? text(site?.zones.find((z) => z.id === id)?.name) || id : '—');
}

export function Timeline({ items }: { items: readonly TimelineItem[] }) {
  const { t } = useTranslation();
  return (
    <List dense data-testid="facilities-timeline">
      {items.map((i, n) => (
        <ListItem key={n} disablePadding data-testid="facilities-timeline-item" data-action={i.action}>
          <ListItemText
            primary={`${stamp(i.at)} · ${t(`facilities.timelineAction.${i.action}`, { defaultValue: i.action })} · ${i.by === 'system' ? t('facilities.bySystem') : i.by}`}
            secondary={i.note}
          />
        </ListItem>
      ))}
    </List>
  );
}

/** Whom to call about it: the name and the number, large, with a tel: link the desk phone can take. */
export function CallCard({ contact, testId, title }: { contact: Contact; testId: string; title?: string }) {
  const { t } = useTranslation();
  return (
    <Paper variant="outlined" sx={{ p: 1.5 }} data-testid={testId}>
      <Typography variant="caption" color="text.secondary">
        {title ?? t('facilities.callCardTitle')}
      </Typography>
      <Box sx={{ display: 'flex', gap: 2, alignItems: 'baseline' }}>
        <Typography sx={{ fontWeight: 700, fontSize: '1.1rem' }}>{contact.name}</Typography>
        <Typography
          component="a"
          href={`tel:${contact.phone.replace(/[^0-9+]/g, '')}`}
          sx={{ fontSize: '1.3rem', fontWeight: 700, fontVariantNumeric: 'tabular-nums', color: 'inherit' }}
          data-testid={`${testId}-phone`}
        >
          {contact.phone}
        </Typography>
      </Box>
    </Paper>
  );
}

/** A filter of a tab (its test id `<prefix>-filter-<key>`): its choices, with "all" first. */
export interface FilterDef {
  key: string;
  label: string;
  value: string;
  onChange(value: string): void;
  options: readonly Option<string>[];
}

/** A tab's filter bar: its filters, "overdue only", and the tab's own buttons on the right. */
export function FilterBar(props: {
  prefix: string;
  filters: readonly FilterDef[];
  overdueOnly: boolean;
  onOverdueOnly(on: boolean): void;
  actions: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
      {props.filters.map(({ key, ...f }) => (
        <SelectInput
          key={key}
          {...f}
          testId={`${props.prefix}-filter-${key}`}
          empty={t('facilities.all')}
          sx={{ minWidth: 150 }}
        />
      ))}
      <CheckInput
        label={t('facilities.onlyOverdue')}
        checked={props.overdueOnly}
        onChange={props.onOverdueOnly}
        testId={`${props.prefix}-filter-overdue`}
      />
      <Box sx={{ flex: 1 }} />
      {props.actions}
    </Box>
  );
}

/** A table's head from its columns' keys (`facilities.col.<key>`). */
export function Head({ cols }: { cols: readonly string[] }) {
  const { t } = useTranslation();
  return (
    <TableHead>
      <TableRow>
        {cols.map((c) => (
          <TableCell key={c}>{t(`facilities.col.${c}`)}</TableCell>
        ))}
      </TableRow>
    </TableHead>
  );
}

/** A row that opens its detail beside the list: a click, or Enter once it has the focus (Tab reaches it). */
export function SelectableRow(props: {
  selected: boolean;
  onSelect(): void;
  data: Record<`data-${string}`, string>;
  children: ReactNode;
}) {
  return (
    <TableRow
      hover
      selected={props.selected}
      {...props.data}
      tabIndex={0}
      onClick={props.onSelect}
      onKeyDown={(e) => {
        if (e.key === 'Enter') props.onSelect();
      }}
      sx={{ cursor: 'pointer' }}
    >
      {props.children}
    </TableRow>
  );
}
