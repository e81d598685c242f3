import { Box, Button, Chip, Stack, Table, TableBody, TableCell, TableRow, Typography } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GateDesk } from '../../../shared/contract';
import { useClient } from '../../api/client';
import { useStore } from '../../api/store';
import { formatClock } from '../../ui/hooks';
import { useCall } from '../../ui/useCall';
import { visitors as visitorsStore } from './store';
import { VisitorDialog } from './VisitorDialog';
import { HeadRow } from './TableHeadRow';

/** Visitor vehicles: expected, inside (with their limit), and those who left today; register one, end a visit. */
export function VisitorsTab({ desk }: { desk: GateDesk }) {
  const { t } = useTranslation();
  const client = useClient();
  const call = useCall('notice');
  const visitors = useStore(visitorsStore);
  const [registering, setRegistering] = useState(false);
  const refresh = async () => visitorsStore.set((await client.call('visitors.list')).visitors);
  return (
    <Stack spacing={1}>
      <Box>
        <Button variant="contained" data-testid="visitor-register" onClick={() => setRegistering(true)}>
          {t('vehicles.visitor.title')}
        </Button>
      </Box>
      {visitors.length === 0 ? (
        <Typography color="text.secondary">{t('vehicles.visitor.none')}</Typography>
      ) : (
        <Table size="small" data-testid="visitor-list">
          <HeadRow
            labels={[
              t('vehicles.plate'),
              t('vehicles.visitor.building'),
              t('vehicles.visitor.phone'),
              t('vehicles.time'),
              '',
            ]}
          />
          <TableBody>
            {visitors.map((v) => (
              <TableRow key={v.id} data-testid="visitor-row" data-plate={v.plate} data-state={v.state}>
                <TableCell sx={{ fontWeight: 600 }}>
                  {v.plate} <Chip size="small" label={t(`vehicles.visitor.state.${v.state}`)} />{' '}
                  {v.overstayed && (
                    <Chip size="small" color="warning" label={t('vehicles.visitor.overstayed')} />
                  )}
                </TableCell>
                <TableCell>{[v.building, v.room, v.host].filter(Boolean).join(' ')}</TableCell>
                <TableCell>{v.phone}</TableCell>
                <TableCell>
                  {v.enteredAt !== undefined &&
                    t('vehicles.visitor.enteredAt', { time: formatClock(v.enteredAt, false) })}{' '}
                  {t('vehicles.visitor.limit', { min: v.limitMin })}
                </TableCell>
                <TableCell>
                  {(v.state === 'expected' || v.state === 'inside') && (
                    <Button
                      size="small"
                      onClick={() =>
                        void call.run(() => client.call('visitors.release', { id: v.id }).then(refresh))
                      }
                    >
                      {t('vehicles.visitor.release')}
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {registering && (
        <VisitorDialog
          defaults={desk.visitorDefaults}
          onClose={() => setRegistering(false)}
          onSubmit={async (input) => {
            await client.call('visitors.register', input);
            await refresh();
          }}
        />
      )}
    </Stack>
  );
}
