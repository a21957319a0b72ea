// My account: the second factor (enrol with a QR code, confirm with a first code, keep the
// recovery codes) and where the policy requires one, the page new users are sent to first.
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { post } from '../api.ts';
import { ErrorMessage } from '../components/common.tsx';
import { SESSION_KEY, safeNext, useSession } from '../session.tsx';
import { CalendarFeed } from './calendar-feed.tsx';
import { NotificationPreferences } from './notification-preferences.tsx';
import { PushDevices } from './push-devices.tsx';

interface Enrolment {
  secret: string;
  otpauthUri: string;
  qrCodeDataUrl: string;
}

export function MfaEnrolmentPage({ level = 1 }: { level?: 1 | 2 }) {
  const Heading = level === 1 ? 'h1' : 'h2';
  const Sub = level === 1 ? 'h2' : 'h3';
  const session = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [code, setCode] = useState('');
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function start() {
    setError(null);
    try {
      setEnrolment(await post<Enrolment>('/session/mfa'));
    } catch (e) {
      setError(e);
    }
  }

  async function confirm(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const result = await post<{ recoveryCodes: string[] }>('/session/mfa/confirm', { code });
      setRecoveryCodes(result.recoveryCodes);
    } catch (e) {
      setError(e);
    }
  }

  async function done() {
    await queryClient.invalidateQueries({ queryKey: SESSION_KEY });
    navigate(safeNext(params.get('next')), { replace: true });
  }

  return (
    <section className="narrow">
      <Heading>Two-step sign-in</Heading>
      {session.mfaEnrolmentRequired ? (
        <p role="status" className="notice">
          Your security policy requires a second factor before you can use Stopline.
        </p>
      ) : null}
      {session.user.mfaEnabled && !recoveryCodes ? (
        <p>Two-step sign-in is on for your account.</p>
      ) : recoveryCodes ? (
        <>
          <Sub>Keep your recovery codes</Sub>
          <p>
            Each code signs you in once if you lose your authenticator. They are shown only now:
            store them somewhere safe.
          </p>
          <RecoveryCodes codes={recoveryCodes} email={session.user.email} />
          <button type="button" onClick={() => void done()}>
            I have stored them — continue
          </button>
        </>
      ) : !enrolment ? (
        <button type="button" onClick={() => void start()}>
          Set up an authenticator app
        </button>
      ) : (
        <form onSubmit={(e) => void confirm(e)}>
          <p>Scan this code with your authenticator app, or enter the key by hand.</p>
          <img
            src={enrolment.qrCodeDataUrl}
            alt="QR code for your authenticator app"
            width={200}
            height={200}
          />
          <p>
            Key: <code data-testid="mfa-secret">{enrolment.secret}</code>
          </p>
          <label htmlFor="mfa-code">The six-digit code the app shows now</label>
          <input
            id="mfa-code"
            inputMode="numeric"
            autoComplete="one-time-code"
            required
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          <button type="submit">Turn on two-step sign-in</button>
        </form>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}

/** My account: second factor, how Stopline reaches me, my calendar feed, my API tokens. */
export function AccountPage() {
  const session = useSession();
  return (
    <>
      <h1>My account</h1>
      <p>
        Signed in as {session.user.displayName} ({session.user.email}).{' '}
        <Link to="/account/tokens">My API tokens</Link> for scripts and integrations.
      </p>
      <MfaEnrolmentPage level={2} />
      <PushDevices />
      <NotificationPreferences />
      <CalendarFeed />
    </>
  );
}

/** The recovery codes, each on one line, to copy, download as a text file or print. */
function RecoveryCodes({ codes, email }: { codes: string[]; email: string }) {
  const [said, setSaid] = useState('');
  const text =
    `Stopline recovery codes for ${email}\n` +
    `Each code signs you in once if you lose your authenticator app.\n\n` +
    `${codes.join('\n')}\n`;
  function copy() {
    navigator.clipboard.writeText(text).then(
      () => setSaid('The codes are copied to the clipboard.'),
      () => setSaid('They could not be copied: select them and copy them by hand.'),
    );
  }
  return (
    <>
      <ul className="codes" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <div className="buttons">
        <button type="button" className="secondary" onClick={copy}>
          Copy the codes
        </button>
        <a
          className="button secondary"
          href={`data:text/plain;charset=utf-8,${encodeURIComponent(text)}`}
          download="stopline-recovery-codes.txt"
        >
          Download them as a text file
        </a>
        <button type="button" className="secondary" onClick={() => window.print()}>
          Print them
        </button>
      </div>
      <p role="status">{said}</p>
    </>
  );
}
