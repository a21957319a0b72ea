// Entry point of the staff console, served at /app.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { CONSOLE_BASE } from '../shared/domain/console-paths.ts';
import { ApiError } from './api.ts';
import { App } from './app.tsx';
import { bootDashboard } from './dashboard-boot.ts';
import { registerServiceWorker } from './push.ts';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: true,
      // A 4xx will not get better by asking again.
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
    },
  },
});

bootDashboard(queryClient, window.location.pathname);
// The console installs as an app, and shows push notifications through its service worker.
registerServiceWorker();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter basename={CONSOLE_BASE}>
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
