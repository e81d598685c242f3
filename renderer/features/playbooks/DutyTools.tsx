import { Alert, Box } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from '../../api/store';
import { DialogButtons } from '../../ui/dialogs';
import { useNow } from '../../ui/hooks';
import { ContactsDialog } from './ContactsDialog';
import { DrillsDialog, fmtDate } from './DrillsDialog';
import { PlaybookEditor } from './PlaybookEditor';
import { usePlaybooks } from './store';

const REMIND_BEFORE_MS = 24 * 3600_000;

/**
 * In the idle incident panel: a reminder of drills due within a day (or running), and the way to drills,
 * playbooks and the contact directory.
 */
export function DutyTools() {
  const { t } = useTranslation();
  const drills = useStore(usePlaybooks().drills);
  const now = useNow(30_000);
  const [open, setOpen] = useState<'drills' | 'playbooks' | 'contacts' | null>(null);
  const due = drills
    .filter(
      (d) => d.state === 'running' || (d.state === 'scheduled' && d.scheduledAt - now < REMIND_BEFORE_MS),
    )
    .sort((a, b) => a.scheduledAt - b.scheduledAt);
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
      {due.map((d) => (
        <Alert
          key={d.id}
          severity={d.state === 'running' || d.scheduledAt <= now ? 'warning' : 'info'}
          data-testid="drill-reminder"
          onClick={() => setOpen('drills')}
          sx={{ cursor: 'pointer', fontSize: '1rem' }}
        >
          {t('playbooks.drills.reminder', { title: d.title, time: fmtDate(d.scheduledAt) })}
          {d.state === 'running' ? ` · ${t('playbooks.drills.state.running')}` : ''}
        </Alert>
      ))}
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
        <DialogButtons
          variant="outlined"
          onOpen={setOpen}
          buttons={[
            ['drills', t('playbooks.tools.drills'), 'open-drills'],
            ['playbooks', t('playbooks.tools.playbooks'), 'open-playbooks'],
            ['contacts', t('playbooks.tools.contacts'), 'open-contacts'],
          ]}
        />
      </Box>
      <DrillsDialog open={open === 'drills'} onClose={() => setOpen(null)} />
      <PlaybookEditor open={open === 'playbooks'} onClose={() => setOpen(null)} />
      <ContactsDialog open={open === 'contacts'} onClose={() => setOpen(null)} />
    </Box>
  );
}
