import { Tab, Tabs } from '@mui/material';
import { useTranslation } from 'react-i18next';
import { roleAllows } from '../../../shared/contract';
import { useStore } from '../../api/store';
import { ToolDialog } from '../../ui/dialogs';
import { useOperators } from '../operators';
import { HazardsTab } from './HazardsTab';
import { LedgerTab } from './LedgerTab';
import { OrdersTab } from './OrdersTab';
import { RoundsTab } from './RoundsTab';
import { closeFacilities, facilitiesView, openFacilities, type FacilitiesTab } from './store';
import { useFacilitiesData } from './useFacilitiesData';

const TABS: readonly FacilitiesTab[] = ['ledger', 'orders', 'hazards', 'rounds'];

/** One function for every render: the ledger's rows are memoised on it. */
const openOrder = (id: string) => openFacilities('orders', id);

/** The facilities view: 设施台账 / 报修工单 / 隐患台账 in tabs (arrow keys move between them). */
export function FacilitiesDialog() {
  const { t } = useTranslation();
  const view = useStore(facilitiesView);
  const operator = useStore(useOperators().operator);
  const data = useFacilitiesData(view !== null);
  if (!view) return null;
  const supervisor = operator ? roleAllows(operator.role, 'supervisor') : false;
  return (
    <ToolDialog
      title={t('facilities.title')}
      testId="facilities-dialog"
      onClose={closeFacilities}
      maxWidth="xl"
      contentSx={{ display: 'flex', flexDirection: 'column', gap: 1, minHeight: '60vh' }}
    >
      <Tabs
        value={view.tab}
        onChange={(_, tab: FacilitiesTab) => openFacilities(tab)}
        sx={{ borderBottom: 1, borderColor: 'divider' }}
      >
        {TABS.map((tab) => (
          <Tab
            key={tab}
            value={tab}
            data-testid={`facilities-tab-${tab}`}
            label={tab === 'rounds' ? t('rounds.tab') : t(`facilities.tabs.${tab}`)}
            sx={{ fontSize: '1rem' }}
          />
        ))}
      </Tabs>
      {view.tab === 'ledger' && (
        <LedgerTab entries={data.entries} orders={data.orders} supervisor={supervisor} onOrder={openOrder} />
      )}
      {view.tab === 'orders' && (
        <OrdersTab
          orders={data.orders}
          entries={data.entries}
          maintainers={data.maintainers}
          selected={view.selected}
          onSelect={(id) => openFacilities('orders', id)}
        />
      )}
      {view.tab === 'hazards' && (
        <HazardsTab
          hazards={data.hazards}
          maintainers={data.maintainers}
          rate={data.rate}
          selected={view.selected}
          onSelect={(id) => openFacilities('hazards', id)}
        />
      )}
      {view.tab === 'rounds' && <RoundsTab />}
    </ToolDialog>
  );
}
