import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { createConsole } from './app/console';
import { thisPopOut } from './app/popouts';
import { initialLocale } from './ui/i18n';

document.documentElement.lang = initialLocale();
const popout = thisPopOut();
const stores = createConsole(undefined, undefined, popout ? { popout } : {});
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App console={stores} popout={popout} />
  </StrictMode>,
);
