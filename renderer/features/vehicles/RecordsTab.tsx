import { Box, Button, Chip, Stack, Table, TableBody, TableCell, TableRow, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { roleAllows, type VehicleHit, type VehicleView } from '../../../shared/contract';
import { useClient } from '../../api/client';
import { useStore } from '../../api/store';
import { saveFile } from '../../ui/download';
import { TextInput } from '../../ui/fields';
import { useNotify } from '../../ui/notify';
import { useCall } from '../../ui/useCall';
import { useOperators } from '../operators';
import { ImportDialog } from './ImportDialog';
import { VehicleDialog } from './VehicleDialog';
import { HeadRow } from './TableHeadRow';

const MIME = {
  csv: 'text/csv;charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/**
 * Resident vehicle records: found by any part of the plate as it is typed (look-alike characters too); a
 * supervisor adds, edits, imports and exports.
 */
export function RecordsTab() {
  const { t } = useTranslation();
  const client = useClient();
  const notify = useNotify();
  const call = useCall('notice');
  const operator = useStore(useOperators().operator);
  const supervisor = operator ? roleAllows(operator.role, 'supervisor') : false;
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<{ vehicles: VehicleHit[]; total: number }>({ vehicles: [], total: 0 });
  const [editing, setEditing] = useState<VehicleView | 'new' | null>(null);
  const [importing, setImporting] = useState(false);
  const [round, setRound] = useState(0);

  useEffect(() => {
    let current = true;
    client
      .call('vehicles.search', { query: query.slice(0, 16), limit: 50 })
      .then((r) => current && setFound(r))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [client, query, round]);

  const exportAs = (format: 'csv' | 'xlsx') =>
    void call.run(async () => {
      const file = await client.call('vehicles.export', { format });
      saveFile(file.name, { base64: file.base64 }, MIME[format]);
      notify({
        level: 'info',
        code: 'vehicles-export',
        message: t('vehicles.records.exported', { rows: file.rows }),
      });
    });

  return (
    <Stack spacing={1}>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <TextInput
          label={t('vehicles.records.search')}
          testId="vehicle-search"
          autoFocus
          value={query}
          onChange={setQuery}
          sx={{ minWidth: 280 }}
        />
        <Typography variant="body2" color="text.secondary" sx={{ flex: 1 }}>
          {t('vehicles.records.searchHint')}
        </Typography>
        {supervisor && (
          <>
            <Button variant="contained" data-testid="vehicle-add" onClick={() => setEditing('new')}>
              {t('vehicles.records.add')}
            </Button>
            <Button variant="outlined" data-testid="vehicle-import-open" onClick={() => setImporting(true)}>
              {t('vehicles.records.import')}
            </Button>
            <Button variant="outlined" onClick={() => exportAs('csv')}>
              {t('vehicles.records.exportCsv')}
            </Button>
            <Button variant="outlined" onClick={() => exportAs('xlsx')}>
              {t('vehicles.records.exportXlsx')}
            </Button>
          </>
        )}
      </Box>
      <Typography variant="body2" data-testid="vehicle-total">
        {found.total ? t('vehicles.records.total', { count: found.total }) : t('vehicles.records.none')}
      </Typography>
      {found.vehicles.length > 0 && (
        <Table size="small" data-testid="vehicle-list">
          <HeadRow
            labels={[
              t('vehicles.plate'),
              t('vehicles.owner'),
              t('vehicles.records.address'),
              t('vehicles.records.phones'),
              t('vehicles.records.permit'),
            ]}
          />
          <TableBody>
            {found.vehicles.map((v) => (
              <TableRow
                key={v.id}
                hover
                data-testid="vehicle-row"
                data-plate={v.plate}
                onClick={supervisor ? () => setEditing(v) : undefined}
                sx={{ cursor: supervisor ? 'pointer' : 'default' }}
              >
                <TableCell sx={{ fontWeight: 600, whiteSpace: 'nowrap' }}>
                  {v.plate} {!v.exact && <Chip size="small" label={t('vehicles.records.fuzzy')} />}{' '}
                  {v.blacklisted && (
                    <Chip size="small" color="error" label={t('vehicles.records.blacklistMark')} />
                  )}
                </TableCell>
                <TableCell>{v.owner}</TableCell>
                <TableCell>{[v.building, v.unit, v.room].filter(Boolean).join(' ')}</TableCell>
                <TableCell>{v.phones.join(' ')}</TableCell>
                <TableCell>
                  {v.permit
                    ? `${t(`vehicles.permitKind.${v.permit.kind}`)} · ${t('vehicles.records.validUntil', { date: v.permit.validTo })}`
                    : t('vehicles.records.noPermit')}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {editing && (
        <VehicleDialog
          {...(editing === 'new' ? {} : { vehicle: editing })}
          onClose={() => setEditing(null)}
          onSave={async (input) => {
            await client.call('vehicles.save', input);
            setRound((n) => n + 1);
          }}
        />
      )}
      {importing && (
        <ImportDialog onClose={() => setImporting(false)} onDone={() => setRound((n) => n + 1)} />
      )}
    </Stack>
  );
}
