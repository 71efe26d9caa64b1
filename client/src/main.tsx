import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { currentLanguage } from './i18n/index.ts';
import { warmUpFormats } from './i18n/format.ts';
import './styles.css';
import { parseVerificationPath } from '../../shared/reports.ts';
import { App } from './App.tsx';
import { useLocation } from './router.tsx';
import { VerifyScreen } from './screens/verify/VerifyScreen.tsx';

/** A printed report's QR code opens its public verification page: no login, no session, no live connection. */
function Root() {
  const verification = parseVerificationPath(new URL(useLocation(), window.location.origin).pathname);
  return verification ? <VerifyScreen {...verification} /> : <App />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);

// after the first screen, while the user reads it
(window.requestIdleCallback ?? ((run: () => void) => setTimeout(run, 200)))(() => warmUpFormats(currentLanguage()));
