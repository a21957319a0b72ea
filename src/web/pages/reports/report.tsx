// One report: where it stands, what the reporter sent (always as text, in marked blocks), the
// files with their hashes, the conversation with internal notes set apart, and the triage actions
// the signed-in user may take.
import { Link, useParams } from 'react-router';
import type { ReportDetail } from '../../../shared/api/reports.ts';
import { Empty, ErrorMessage, Loading, Time } from '../../components/common.tsx';
import { useNow } from '../../clock.ts';
import { formatBytes, toMs } from '../../format.ts';
import { AcknowledgeState, IncidentLink } from './queue.tsx';
import { ReportActions } from './report-actions.tsx';
import { Conversation } from './report-conversation.tsx';
import { ReceivedMail } from './report-mail.tsx';
import { Tombstone, attachmentRedaction, contactRedaction } from './report-erasure.tsx';
import { useReport, STATUS_WORDS, VERIFICATION_WORDS, REMOVAL_WORDS } from './report-data.ts';
import './reports.css';
import { consolePath } from '../../../shared/domain/console-paths.ts';

export function ReportPage() {
  const { key = '' } = useParams();
  const report = useReport(key.toUpperCase());

  return (
    <>
      <p className="back">
        <Link to="/reports">← All reports</Link>
      </p>
      <h1>Report {key.toUpperCase()}</h1>
      {report.isPending ? (
        <Loading what="the report" />
      ) : report.error ? (
        <ErrorMessage error={report.error} />
      ) : (
        <div className="report-layout">
          <div className="report-main">
            <ReportStatus report={report.data} />
            <FromTheReporter report={report.data} />
            <Attachments report={report.data} />
            <ReceivedMail reportKey={report.data.key} />
            <RemovalTasks report={report.data} />
            <Conversation report={report.data} />
          </div>
          <ReportActions report={report.data} />
        </div>
      )}
    </>
  );
}

function ReportStatus({ report: r }: { report: ReportDetail }) {
  const now = useNow();
  const breached =
    r.acknowledgedAt === null && r.status === 'received' && toMs(r.acknowledgeDueAt) < now;
  const milestones = (
    [
      ['Assessed', r.assessedAt],
      ['Fixed', r.fixedAt],
      ['Disclosed', r.disclosedAt],
    ] as const
  ).filter(([, at]) => at !== null);
  const erased = contactRedaction(r);
  return (
    <section aria-labelledby="report-status" className="panel">
      {/* Focused after an action whose button goes away, so the keyboard stays on the page. */}
      <h2 id="report-status" tabIndex={-1}>
        Where it stands
      </h2>
      <dl className="facts">
        <dt>Status</dt>
        <dd data-testid="report-status">
          <span className={`badge status-${r.status}`}>{STATUS_WORDS[r.status]}</span>
        </dd>
        <dt>Emergency</dt>
        <dd>
          {r.emergency ? (
            <span className="badge warn" data-testid="report-emergency">
              Emergency
            </span>
          ) : (
            'No'
          )}
        </dd>
        <dt>Received</dt>
        <dd>
          <Time value={r.receivedAt} />
        </dd>
        <dt>Acknowledgment</dt>
        <dd data-testid="report-acknowledgment">
          <AcknowledgeState report={r} breached={breached} />
        </dd>
        <dt>Reporter identity</dt>
        <dd>
          {r.verified ? (
            <span className="badge ok">
              <span aria-hidden="true">✓ </span>Verified
            </span>
          ) : (
            'Not verified'
          )}
          {r.identityVerifications.length > 0 ? (
            <ul className="plain">
              {r.identityVerifications.map((v) => (
                <li key={v.id}>
                  {VERIFICATION_WORDS[v.method as keyof typeof VERIFICATION_WORDS] ?? v.method},{' '}
                  <Time value={v.verifiedAt} />
                  {v.note ? <span className="muted"> — {v.note}</span> : null}
                </li>
              ))}
            </ul>
          ) : null}
        </dd>
        {erased ? (
          <>
            <dt>Contact details</dt>
            <dd data-testid="report-contact-tombstone">
              <Tombstone what="contact" redaction={erased} />
            </dd>
          </>
        ) : null}
        <dt>Incident</dt>
        <dd data-testid="report-incident">
          {r.incidentId ? <IncidentLink id={r.incidentId} /> : 'None yet'}
        </dd>
        <dt>Milestones</dt>
        <dd>
          {milestones.length === 0
            ? 'None yet'
            : milestones.map(([label, at], n) => (
                <span key={label}>
                  {n > 0 ? '; ' : ''}
                  {label} <Time value={at} />
                </span>
              ))}
        </dd>
        {r.closedAt ? (
          <>
            <dt>Closed</dt>
            <dd>
              <Time value={r.closedAt} />
              {r.duplicateOf ? (
                <>
                  {' '}
                  as a duplicate of{' '}
                  <Link to={consolePath.report(r.duplicateOf)}>{r.duplicateOf}</Link>
                </>
              ) : null}
              {r.closeReason ? (
                <p className="close-reason">
                  Reason given to the reporter: <q>{r.closeReason}</q>
                </p>
              ) : null}
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}

/** A block of the reporter's own words: marked as theirs, shown exactly as sent, as text. */
function ReporterText({
  label,
  text,
  testId,
}: {
  label: string;
  text: string | null;
  testId?: string;
}) {
  if (text === null || text === '') return null;
  return (
    <div className="reporter-field">
      <h3>{label}</h3>
      <div className="untrusted" data-testid={testId}>
        {text}
      </div>
    </div>
  );
}

function FromTheReporter({ report: r }: { report: ReportDetail }) {
  return (
    <section
      aria-labelledby="from-reporter"
      className="from-reporter"
      data-testid="reporter-content"
    >
      <h2 id="from-reporter">
        <span aria-hidden="true">✉ </span>From the reporter
      </h2>
      <p className="muted">
        Written by the person who reported it, shown exactly as sent. It is not verified: treat its
        links, commands and instructions with care.
      </p>
      <ReporterText label="Summary" text={r.summary} testId="reporter-summary" />
      <ReporterText label="Description" text={r.description} testId="reporter-description" />
      <ReporterText label="Steps to reproduce" text={r.stepsToReproduce} />
      <ReporterText label="Impact, in their view" text={r.impact} />
      <ReporterText label="First noticed" text={r.firstNoticed} />
      <ReporterText label="Affected product or URL" text={r.affected} />
      <ReporterText label="Posted publicly at" text={r.publicUrl} />
      <ReporterText label="Preferred language" text={r.preferredLanguage} />
      <div className="reporter-field">
        <h3>Credit</h3>
        <p>
          {r.credit.consent ? (
            <>
              May be thanked publicly once fixed
              {r.credit.name ? (
                <>
                  , as <span className="untrusted inline-untrusted">{r.credit.name}</span>
                </>
              ) : null}
              .
            </>
          ) : (
            'Does not want to be thanked publicly.'
          )}
        </p>
      </div>
    </section>
  );
}

function Attachments({ report: r }: { report: ReportDetail }) {
  return (
    <section aria-labelledby="attachments">
      <h2 id="attachments">Files</h2>
      {r.attachments.length === 0 ? (
        <Empty>No files.</Empty>
      ) : (
        <ul className="cards attachments" data-testid="attachments">
          {r.attachments.map((a) => {
            const mismatch = a.claimedType !== null && a.claimedType !== a.detectedType;
            return (
              <li key={a.id} className="card">
                <div>
                  <span className="muted">
                    Name (from the {a.uploadedBy === 'reporter' ? 'reporter' : 'team'}):{' '}
                  </span>
                  <span className="untrusted inline-untrusted">{a.name}</span>
                </div>
                <dl className="facts compact">
                  <dt>Size</dt>
                  <dd>{formatBytes(a.size)}</dd>
                  <dt>Type</dt>
                  <dd>
                    {a.detectedType} <span className="muted">(detected from the content)</span>
                    {mismatch ? (
                      <span className="badge warn">
                        <span aria-hidden="true">⚠ </span>Sent as {a.claimedType}
                      </span>
                    ) : null}
                  </dd>
                  <dt>SHA-256</dt>
                  <dd>
                    <code className="hash">{a.sha256}</code>
                  </dd>
                  <dt>Added</dt>
                  <dd>
                    <Time value={a.createdAt} />
                  </dd>
                </dl>
                {a.redactedAt ? (
                  <p data-testid="file-tombstone">
                    <Tombstone
                      what="attachment"
                      redaction={
                        attachmentRedaction(r, a.id) ?? {
                          rule: 'retention',
                          reason: 'no reason recorded',
                          at: a.redactedAt,
                        }
                      }
                    />
                    ; the record keeps its name, size and SHA-256.
                  </p>
                ) : (
                  <a href={a.downloadUrl} download className="button secondary">
                    Download<span className="visually-hidden"> {a.name}</span>
                  </a>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function RemovalTasks({ report: r }: { report: ReportDetail }) {
  if (r.removalTasks.length === 0) return null;
  return (
    <section aria-labelledby="removal">
      <h2 id="removal">Posted in public: remove from public view</h2>
      <ul className="cards">
        {r.removalTasks.map((t) => (
          <li key={t.id} className="card">
            <span className="untrusted inline-untrusted">{t.url}</span>
            <div className="meta">
              <span className={`badge ${t.status === 'requested' ? 'warn' : ''}`}>
                {REMOVAL_WORDS[t.status]}
              </span>
              updated <Time value={t.updatedAt} />
            </div>
            {t.evidence ? <p className="muted">Evidence: {t.evidence}</p> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
