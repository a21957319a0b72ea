// Sign in with e-mail and password, then the authenticator code when the account has one (or at
// once, when failed sign-ins hold this address back). After an expired session the user lands
// back on the page they were on.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import type { SessionView } from '../../shared/api/accounts.ts';
import { ApiError, request, setCsrfToken } from '../api.ts';
import { ErrorMessage } from '../components/common.tsx';
import { SESSION_KEY, safeNext, useSessionQuery } from '../session.tsx';

export function SignInPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const session = useSessionQuery();
  const methods = useQuery({
    queryKey: ['session-methods'],
    queryFn: () => request<{ password: boolean; oidc: boolean }>('/session/methods'),
    staleTime: Infinity,
  });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needCode, setNeedCode] = useState(false);
  const [offerCode, setOfferCode] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  if (session.data) return <Navigate to={next} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const signedIn = await request<SessionView>('/session', {
        method: 'POST',
        body: { email, password, ...((needCode || offerCode) && code ? { code } : {}) },
        expectUnauthenticated: true,
      });
      setCsrfToken(signedIn.csrfToken);
      queryClient.setQueryData(SESSION_KEY, signedIn);
      navigate(next, { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.body.mfaRequired === true && !needCode) {
        setNeedCode(true);
      } else {
        // Held back after failed sign-ins: a right password with a current code still works.
        if (e instanceof ApiError && e.body.mfaAccepted === true) setOfferCode(true);
        setError(e);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="narrow">
      <h1>Sign in to Stopline</h1>
      {params.get('expired') ? (
        <p role="status" className="notice">
          Your session ended. Sign in again to go back where you were.
        </p>
      ) : null}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <label htmlFor="email">E-mail</label>
        <input
          id="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {needCode || offerCode ? (
          <>
            <label htmlFor="code">Code from your authenticator app (or a recovery code)</label>
            <input
              id="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              autoFocus
              required={needCode}
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          </>
        ) : null}
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {needCode ? 'Verify and sign in' : 'Sign in'}
        </button>
      </form>
      {methods.data?.oidc ? (
        <p>
          <a className="button secondary" href="/api/v1/session/oidc">
            Sign in with your organisation (single sign-on)
          </a>
        </p>
      ) : null}
    </main>
  );
}
