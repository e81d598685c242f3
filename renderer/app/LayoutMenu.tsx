import { Button, Divider, ListSubheader, Menu, MenuItem } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ARRANGEMENTS, DENSITIES } from '../../shared/contract';
import { POP_OUT_AREAS } from '../../shared/domain/windows';
import { useDensity, usePanes } from '../features/prefs';
import { usePopOuts } from '../ui/popout';
import { ARRANGEMENT_KEYS } from './Panes';

const KEY_OF = Object.fromEntries(Object.entries(ARRANGEMENT_KEYS).map(([key, a]) => [a, key.toUpperCase()]));

/**
 * The top bar's layout menu: the three arrangements (also Alt+V / A / M), the density, and the areas that can
 * go to a window of their own (another display) and come back.
 */
export function LayoutMenu() {
  const { t } = useTranslation();
  const { panes, arrange } = usePanes();
  const { density, choose } = useDensity();
  const popOuts = usePopOuts();
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
        {popOuts.control && <Divider />}
        {popOuts.control && <ListSubheader>{t('panes.popOut')}</ListSubheader>}
        {popOuts.control &&
          POP_OUT_AREAS.map((area) => {
            const out = popOuts.open.includes(area);
            return (
              <MenuItem
                key={area}
                data-testid={`popout-${area}`}
                selected={out}
                onClick={() => {
                  if (out) popOuts.control?.bringBack(area);
                  else popOuts.control?.popOut(area);
                  setAnchor(null);
                }}
              >
                {t(`panes.popOutAreas.${area}`)}
                {out ? ` · ${t('panes.bringBack')}` : ''}
              </MenuItem>
            );
          })}
      </Menu>
    </>
  );
}
