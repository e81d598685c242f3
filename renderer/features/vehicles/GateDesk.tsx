import { Badge, Button, Tab, Tabs, Tooltip } from '@mui/material';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from '../../api/store';
import { ToolDialog } from '../../ui/dialogs';
import { CountsTab, PostsTab, usePostsFeed } from '../posts';
import { GatesTab } from './GatesTab';
import { RecordsTab } from './RecordsTab';
import { closeDesk, desk as deskStore, openDesk, openTab, useGateFeed, type DeskTab } from './store';
import { ViolationsTab } from './ViolationsTab';
import { VisitorsTab } from './VisitorsTab';

/** The top bar's way to the gate desk (Alt+G), with how many cars wait for a decision. */
export function GateButton() {
  const { t } = useTranslation();
  const desk = useStore(deskStore);
  const waiting = desk?.waiting.length ?? 0;
  return (
    <Tooltip title={t('vehicles.deskTooltip')}>
      <Badge badgeContent={waiting} color="warning" data-testid="gate-waiting-count" data-count={waiting}>
        <Button
          variant={waiting ? 'contained' : 'outlined'}
          color={waiting ? 'warning' : 'primary'}
          size="small"
          data-testid="gate-desk-open"
          onClick={() => openDesk()}
        >
          {t('vehicles.desk')}
        </Button>
      </Badge>
    </Tooltip>
  );
}

/** The gate desk, mounted once by the app: keeps the reads live and opens on Alt+G or the top bar's button. */
export function GateDesk() {
  const { t } = useTranslation();
  useGateFeed();
  usePostsFeed();
  const tab = useStore(openTab);
  const desk = useStore(deskStore);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
      const key = e.key.toLowerCase();
      if (key === 'g') {
        if (openTab.get()) closeDesk();
        else openDesk();
      } else if (key === 'w') {
        // Alt+W: straight to the no-parking violations (违停), or shut them.
        if (openTab.get() === 'violations') closeDesk();
        else openDesk('violations');
      } else if (key === 'k') {
        // Alt+K: the posts (岗 gǎng): who holds which post, the peaks, the holiday calendar.
        if (openTab.get() === 'posts') closeDesk();
        else openDesk('posts');
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  if (!tab || !desk) return null;
  return (
    <ToolDialog
      title={t('vehicles.title')}
      testId="gate-desk"
      onClose={closeDesk}
      maxWidth="lg"
      contentSx={{ display: 'flex', flexDirection: 'column', gap: 1, minHeight: 420 }}
    >
      <Tabs value={tab} onChange={(_, v: DeskTab) => openDesk(v)}>
        <Tab value="gates" label={t('vehicles.tabGates')} data-testid="gate-tab-gates" />
        <Tab value="visitors" label={t('vehicles.tabVisitors')} data-testid="gate-tab-visitors" />
        <Tab value="violations" label={t('violations.tab')} data-testid="gate-tab-violations" />
        <Tab value="records" label={t('vehicles.tabRecords')} data-testid="gate-tab-records" />
        <Tab value="posts" label={t('posts.tab')} data-testid="gate-tab-posts" />
        <Tab value="counts" label={t('posts.counts.tab')} data-testid="gate-tab-counts" />
      </Tabs>
      {tab === 'gates' && <GatesTab desk={desk} />}
      {tab === 'visitors' && <VisitorsTab desk={desk} />}
      {tab === 'violations' && <ViolationsTab />}
      {tab === 'records' && <RecordsTab />}
      {tab === 'posts' && <PostsTab />}
      {tab === 'counts' && <CountsTab />}
    </ToolDialog>
  );
}
