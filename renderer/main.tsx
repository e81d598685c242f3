import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { createConsole } from './app/console';
import { initialLocale } from './ui/i18n';

document.documentElement.lang = initialLocale();
const stores = createConsole();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App console={stores} popout={window.location.hash === '#wall'} />
  </StrictMode>,
);
