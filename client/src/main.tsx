import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { currentLanguage } from './i18n/index.ts';
import { warmUpFormats } from './i18n/format.ts';
import './styles.css';
import { App } from './App.tsx';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// after the first screen, while the user reads it
(window.requestIdleCallback ?? ((run: () => void) => setTimeout(run, 200)))(() => warmUpFormats(currentLanguage()));
