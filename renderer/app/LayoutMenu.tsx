import { Button, Divider, ListSubheader, Menu, MenuItem } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ARRANGEMENTS, DENSITIES } from '../../shared/contract';
import { useDensity, usePanes } from '../features/prefs';
import { ARRANGEMENT_KEYS } from './Panes';

const KEY_OF = Object.fromEntries(Object.entries(ARRANGEMENT_KEYS).map(([key, a]) => [a, key.toUpperCase()]));

/** The top bar's layout menu: the three arrangements (also Alt+V / A / M) and the density. */
export function LayoutMenu() {
  const { t } = useTranslation();
  const { panes, arrange } = usePanes();
  const { density, choose } = useDensity();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  return (
    <>
      <Button
        data-testid="layout-menu"
        variant="outlined"
        size="small"
        aria-haspopup="menu"
        onClick={(e) => setAnchor(e.currentTarget)}
      >
        {t('panes.menu')}
      </Button>
      <Menu anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)}>
        <ListSubheader>{t('panes.arrangement')}</ListSubheader>
        {ARRANGEMENTS.map((a) => (
          <MenuItem
            key={a}
            data-testid={`arrangement-${a}`}
            selected={panes.arrangement === a}
            onClick={() => {
              arrange(a);
              setAnchor(null);
            }}
          >
            {t(`panes.arrangements.${a}`)} (Alt+{KEY_OF[a]})
          </MenuItem>
        ))}
        <Divider />
        <ListSubheader>{t('panes.density')}</ListSubheader>
        {DENSITIES.map((d) => (
          <MenuItem
            key={d}
            data-testid={`density-${d}`}
            selected={density === d}
            onClick={() => {
              choose(d);
              setAnchor(null);
            }}
          >
            {t(`panes.densities.${d}`)}
          </MenuItem>
        ))}
      </Menu>
    </>
  );
}
