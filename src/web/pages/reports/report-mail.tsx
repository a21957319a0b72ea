// The e-mails of a report as received: how each came, its hash, what it became, whether the sender
// could be forged, its OpenPGP verdict, and (for who may read the reporter's contact data) the
// mail headers on demand, read from the raw message and shown as text. Nothing of a message is
// ever rendered as HTML: its text is in "From the reporter" and the conversation, as text.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import type { ReportMailMessage } from '../../../shared/api/reports.ts';
import { requestText, request } from '../../api.ts';
import { ErrorMessage, Time } from '../../components/common.tsx';
import { formatBytes } from '../../format.ts';
import { keys } from '../../queries.ts';
import { useCan } from '../../session.tsx';

const STATUS_WORDS: Record<string, string> = {
  received: 'Received, not read yet',
  report: 'Made this report',
  reply: 'Joined the conversation',
  ignored: 'Kept, not answered (an automatic reply or a bounce)',
  duplicate: 'A copy of a message already received',
  unreadable: 'Could not be read',
  refused: 'Refused',
};

const SIGNATURE_WORDS = {
  valid: 'Valid signature',
  'unknown-key': 'Signed with a key Stopline does not know',
  bad: 'Bad signature: the message was changed or the signature is forged',
} as const;

const ENCRYPTION_WORDS = {
  'pgp-mime': 'Encrypted (PGP/MIME)',
  inline: 'Encrypted (inline armour)',
  attachment: 'Encrypted attachment',
} as const;

function useReportMail(key: string) {
  return useQuery({
    queryKey: [...keys.report(key), 'mail'],
    queryFn: () =>
      request<{ messages: ReportMailMessage[] }>(`/reports/${encodeURIComponent(key)}/mail`),
  });
}

/** The headers of a raw message: everything before the first empty line. */
export function headerBlock(raw: string): string {
  const end = raw.search(/\r?\n\r?\n/);
  return end === -1 ? raw : raw.slice(0, end);
}

export function ReceivedMail({ reportKey }: { reportKey: string }) {
  const mail = useReportMail(reportKey);
  if (mail.isPending) return null;
  if (mail.error) return <ErrorMessage error={mail.error} />;
  // A report made with the form or the API has no e-mail: no empty section.
  if (mail.data.messages.length === 0) return null;
  return (
    <section aria-labelledby="received-mail" data-testid="received-mail">
      <h2 id="received-mail">
        <span aria-hidden="true">✉ </span>E-mail as received
      </h2>
      <p className="muted">
        Each message exactly as it arrived is kept with its SHA-256. Its text is shown above as
        text; HTML in a message is never rendered.
      </p>
      <ul className="cards">
        {mail.data.messages.map((m) => (
          <MailCard key={m.id} message={m} />
        ))}
      </ul>
    </section>
  );
}

function Authentication({ message: m }: { message: ReportMailMessage }) {
  const a = m.authentication;
  if (!a) return <>Not checked</>;
  const dkim =
    a.dkim.length === 0 ? 'none' : a.dkim.map((d) => `${d.result} (${d.domain})`).join(', ');
  return (
    <>
      SPF {a.spf}; DKIM {dkim}; DMARC {a.dmarc}
      {a.fromDomain ? (
        <>
          {' '}
          for <span className="untrusted inline-untrusted">{a.fromDomain}</span>
        </>
      ) : null}
      {m.forged ? (
        <>
          {' '}
          <span className="badge warn" data-testid="mail-forged">
            <span aria-hidden="true">⚠ </span>The sender may be forged
          </span>
        </>
      ) : null}
    </>
  );
}

function OpenPgp({ message: m }: { message: ReportMailMessage }) {
  const p = m.openpgp;
  if (!p) return <>Not encrypted, not signed</>;
  return (
    <>
      {p.encrypted ? (
        <span>
          {ENCRYPTION_WORDS[p.encrypted]}
          {p.decrypted === true
            ? ', decrypted'
            : p.decrypted === false
              ? ', could not be decrypted'
              : ''}
          .{' '}
        </span>
      ) : (
        <span>Not encrypted. </span>
      )}
      {p.signature ? (
        <span data-testid="mail-signature">
          <span className={`badge ${p.signature.result === 'valid' ? 'ok' : 'warn'}`}>
            {p.signature.result === 'valid' ? (
              <span aria-hidden="true">✓ </span>
            ) : (
              <span aria-hidden="true">⚠ </span>
            )}
            {SIGNATURE_WORDS[p.signature.result]}
          </span>
          {p.signature.fingerprint ? (
            <>
              {' '}
              by <code className="hash">{p.signature.fingerprint}</code>
            </>
          ) : p.signature.keyId ? (
            <>
              {' '}
              by key ID <code className="hash">{p.signature.keyId}</code>
            </>
          ) : null}
        </span>
      ) : (
        <span>Not signed.</span>
      )}
      {p.problem ? <p className="muted">{p.problem}</p> : null}
    </>
  );
}

function MailCard({ message: m }: { message: ReportMailMessage }) {
  const can = useCan();
  return (
    <li className="card" data-testid="mail-message">
      <dl className="facts compact">
        <dt>Received</dt>
        <dd>
          <Time value={m.receivedAt} /> by {m.via === 'imap' ? 'IMAP (the mailbox)' : 'SMTP'}
        </dd>
        <dt>What it became</dt>
        <dd data-testid="mail-status">{STATUS_WORDS[m.status] ?? m.status}</dd>
        {m.problem ? (
          <>
            <dt>Problem</dt>
            <dd>{m.problem}</dd>
          </>
        ) : null}
        <dt>Size</dt>
        <dd>{formatBytes(m.size)}</dd>
        <dt>SHA-256</dt>
        <dd>
          <code className="hash">{m.sha256}</code>
        </dd>
        <dt>Sender checks</dt>
        <dd data-testid="mail-authentication">
          <Authentication message={m} />
        </dd>
        <dt>OpenPGP</dt>
        <dd data-testid="mail-openpgp">
          <OpenPgp message={m} />
        </dd>
      </dl>
      {can('reports.read_contact') ? <Headers message={m} /> : null}
    </li>
  );
}

/** The headers on demand: read from the raw message (each read is in the access log), as text. */
function Headers({ message: m }: { message: ReportMailMessage }) {
  const [headers, setHeaders] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const shown = useRef<HTMLPreElement>(null);
  const id = useId();
  // The button that brought them is gone: the keyboard goes on from the headers it brought.
  useEffect(() => {
    if (headers !== null) shown.current?.focus();
  }, [headers]);
  const show = async () => {
    setBusy(true);
    setError(null);
    try {
      // rawUrl is under /api/v1; requestText adds that prefix itself.
      setHeaders(headerBlock(await requestText(m.rawUrl.replace(/^\/api\/v1/, ''))));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="mail-headers">
      {headers === null ? (
        <>
          <button
            type="button"
            className="secondary"
            onClick={show}
            disabled={busy}
            aria-describedby={id}
          >
            Show the mail headers
          </button>{' '}
          <a href={m.rawUrl} download>
            Download the message as received
          </a>
          <p className="help muted" id={id}>
            They name the reporter; reading them is recorded in the report&apos;s access log.
          </p>
        </>
      ) : (
        <>
          <h3>Mail headers</h3>
          <pre
            className="untrusted"
            tabIndex={-1}
            ref={shown}
            data-testid="mail-headers"
            aria-label="Mail headers as received"
          >
            {headers}
          </pre>
          <button type="button" className="secondary" onClick={() => setHeaders(null)}>
            Hide the headers
          </button>
        </>
      )}
      {error ? <ErrorMessage error={error} /> : null}
    </div>
  );
}
