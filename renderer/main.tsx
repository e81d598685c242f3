import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createConsoleModel } from './api/console';
import { App } from './app/App';
import { initialLocale } from './ui/i18n';

document.documentElement.lang = initialLocale();
const model = createConsoleModel();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App model={model} popout={window.location.hash === '#wall'} />
  </StrictMode>,
);
