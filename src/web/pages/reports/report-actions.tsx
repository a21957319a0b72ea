// What staff can do with a report, each shown only with the permission it needs (the server
// checks again) and each showing the server's refusal, with its field messages, where it happened.
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import type { IncidentDetail } from '../../../shared/api/incidents.ts';
import type {
  AcknowledgeResult,
  CloseReportInput,
  IdentityVerificationInput,
  ReportContactDetails,
  ReportDetail,
} from '../../../shared/api/reports.ts';
import {
  CLOSE_RESOLUTIONS,
  MILESTONES,
  REMOVAL_STATUSES,
  VERIFICATION_METHODS,
} from '../../../shared/domain/reports.ts';
import { useNavigate } from 'react-router';
import type { z } from 'zod';
import { consolePath } from '../../../shared/domain/console-paths.ts';
import { del, patch, post, request } from '../../api.ts';
import { ErrorMessage } from '../../components/common.tsx';
import { Choices, TextField } from './fields.tsx';
import { EraseReportData, Tombstone, contactRedaction } from './report-erasure.tsx';
import { useCan } from '../../session.tsx';
import {
  CLOSE_WORDS,
  REMOVAL_WORDS,
  VERIFICATION_WORDS,
  isOpen,
  useReportChange,
} from './report-data.ts';

/** After a change that removes its own button: keep keyboard focus on the page, at its state. */
const focusStatus = () => document.getElementById('report-status')?.focus();

const path = (report: ReportDetail, rest = '') =>
  `/reports/${encodeURIComponent(report.key)}${rest}`;

/** A polite live region that is always there, so what it says is announced. */
export function Done({ message }: { message: string | null }) {
  return (
    <p role="status" className={message ? 'ok-text' : 'visually-hidden'}>
      {message ?? ''}
    </p>
  );
}

function Action({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="panel action">
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

export function ReportActions({ report }: { report: ReportDetail }) {
  const can = useCan();
  const open = isOpen(report.status);
  const triage = can('reports.triage');
  const permitted = [
    'reports.triage',
    'reports.verify_identity',
    'reports.read_contact',
    'reports.manage_access',
    'data.erase',
  ];
  // A reader with none of these gets no empty "Actions" region.
  if (!permitted.some(can)) return null;
  return (
    <aside className="report-side" aria-label="Actions">
      {triage && report.status === 'received' ? <Acknowledge report={report} /> : null}
      {triage && open && report.incidentId === null ? <IncidentActions report={report} /> : null}
      {triage && can('incidents.update') && report.incidentId !== null ? (
        <UnlinkIncident report={report} />
      ) : null}
      {can('reports.verify_identity') ? <VerifyIdentity report={report} /> : null}
      {triage && (open || report.status === 'resolved') ? <Milestones report={report} /> : null}
      {triage && open ? <Emergency report={report} /> : null}
      {triage && open ? <CloseReport report={report} /> : null}
      {triage ? <PublicCopies report={report} /> : null}
      {can('reports.read_contact') ? (
        // A new panel once the details are erased: nothing read before stays on the page.
        <Contact key={contactRedaction(report)?.at ?? 'kept'} report={report} />
      ) : null}
      {can('reports.manage_access') ? <AccessCode report={report} /> : null}
      {can('data.erase') ? <EraseReportData report={report} /> : null}
    </aside>
  );
}

function Acknowledge({ report }: { report: ReportDetail }) {
  const acknowledge = useReportChange(
    () => post<AcknowledgeResult>(path(report, '/acknowledge')),
    focusStatus,
  );
  return (
    <Action id="act-acknowledge" title="Acknowledge">
      <p className="muted help">
        Tells the reporter a person has read the report, and stops the acknowledgment clock.
      </p>
      <ErrorMessage error={acknowledge.error} />
      <button
        type="button"
        onClick={() => acknowledge.mutate(undefined)}
        disabled={acknowledge.isPending}
      >
        Acknowledge the report
      </button>
    </Action>
  );
}

/** Triage raises or lowers the emergency; the acknowledgment deadline is planned again. */
function Emergency({ report }: { report: ReportDetail }) {
  const [reason, setReason] = useState('');
  const change = useReportChange(
    (input: { emergency: boolean; reason: string }) =>
      request(path(report, '/emergency'), { method: 'PUT', body: input }),
    () => setReason(''),
  );
  const raise = !report.emergency;
  function submit(event: FormEvent) {
    event.preventDefault();
    change.mutate({ emergency: raise, reason });
  }
  return (
    <Action id="act-emergency" title="Emergency">
      <p className="muted help">
        {raise
          ? 'Critical: exploited, public or leaking now? An emergency is acknowledged within the policy’s emergency time, counted from receipt.'
          : 'Marked as an emergency. Lowering it gives the acknowledgment the usual time, counted from receipt.'}
      </p>
      <form onSubmit={submit}>
        <TextField id="emergency-reason" label="Why" required value={reason} onChange={setReason} />
        <ErrorMessage error={change.error} />
        <button
          type="submit"
          className={raise ? undefined : 'secondary'}
          disabled={change.isPending}
        >
          {raise ? 'Mark as an emergency' : 'Not an emergency'}
        </button>
      </form>
    </Action>
  );
}

type Incident = z.infer<typeof IncidentDetail>['incident'];

function IncidentActions({ report }: { report: ReportDetail }) {
  const can = useCan();
  const [ref, setRef] = useState('');
  // The answer is the incident itself, as POST /incidents gives it: the next steps are there, so
  // the console goes to it (its page announces itself and takes focus on its heading).
  const navigate = useNavigate();
  const openIncident = useReportChange(async () => {
    const incident = await post<Incident>(path(report, '/open-incident'));
    void navigate(consolePath.incident(incident.key));
  }, focusStatus);
  // Linking goes through the incident, which records the report on both sides in one change, at
  // the incident version we read (a concurrent change is a 409 to show, not to overwrite).
  const link = useReportChange(async (incidentRef: string) => {
    const ref = encodeURIComponent(incidentRef.trim());
    const { incident } = await request<{ incident: Incident }>(`/incidents/${ref}`);
    await post(`/incidents/${encodeURIComponent(incident.key)}/reports`, {
      reportIds: [report.key],
      expectedVersion: incident.version,
    });
  }, focusStatus);

  function submitLink(event: FormEvent) {
    event.preventDefault();
    link.mutate(ref);
  }

  return (
    <Action id="act-incident" title="Incident">
      {can('incidents.create') ? (
        <>
          <p className="muted help">
            Opens an incident titled with the report&apos;s summary; the reporter then sees
            &ldquo;being investigated&rdquo;.
          </p>
          <ErrorMessage error={openIncident.error} />
          <button
            type="button"
            onClick={() => openIncident.mutate(undefined)}
            disabled={openIncident.isPending}
          >
            Open an incident from this report
          </button>
        </>
      ) : null}
      {can('incidents.update') ? (
        <form onSubmit={submitLink}>
          <TextField
            id="link-incident"
            label="Or link to an existing incident"
            help="The incident's key."
            placeholder="INC-2026-0001"
            required
            value={ref}
            onChange={setRef}
          />
          <ErrorMessage error={link.error} />
          <button type="submit" className="secondary" disabled={link.isPending}>
            Link the incident
          </button>
        </form>
      ) : null}
    </Action>
  );
}

function UnlinkIncident({ report }: { report: ReportDetail }) {
  const unlink = useReportChange(() => del(path(report, '/incident-link')), focusStatus);
  return (
    <Action id="act-unlink" title="Incident">
      <details>
        <summary>Linked to the wrong incident?</summary>
        <p className="muted help">
          Unlinking records it on the report and the incident; the report goes back to acknowledged
          (or received), and can then be linked again or open its own incident.
        </p>
        <ErrorMessage error={unlink.error} />
        <button
          type="button"
          className="secondary"
          onClick={() => unlink.mutate(undefined)}
          disabled={unlink.isPending}
        >
          Unlink the incident
        </button>
      </details>
    </Action>
  );
}

function VerifyIdentity({ report }: { report: ReportDetail }) {
  const [method, setMethod] =
    useState<IdentityVerificationInput['method']>('call_back_public_number');
  const [note, setNote] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const verify = useReportChange((input: IdentityVerificationInput) =>
    post(path(report, '/identity-verifications'), input),
  );
  function submit(event: FormEvent) {
    event.preventDefault();
    setDone(null);
    verify.mutate(
      { method, ...(note.trim() ? { note } : {}) },
      {
        onSuccess: () => {
          setNote('');
          setDone('Identity verification recorded.');
        },
      },
    );
  }
  return (
    <Action id="act-verify" title="Reporter identity">
      <form onSubmit={submit}>
        <p className="muted help">
          {report.verified
            ? 'Verified. Record another check if you made one.'
            : 'Not verified yet. Assessment results, technical details and a new access code wait for this.'}
        </p>
        <label htmlFor="verify-method">How it was verified</label>
        <select
          id="verify-method"
          value={method}
          onChange={(e) => setMethod(e.target.value as IdentityVerificationInput['method'])}
        >
          {VERIFICATION_METHODS.map((m) => (
            <option key={m} value={m}>
              {VERIFICATION_WORDS[m]}
            </option>
          ))}
        </select>
        <TextField
          id="verify-note"
          label="Note (optional)"
          multiline
          value={note}
          onChange={setNote}
        />
        <ErrorMessage error={verify.error} />
        <Done message={done} />
        <button type="submit" disabled={verify.isPending}>
          Record verification
        </button>
      </form>
    </Action>
  );
}

const MILESTONE_WORDS = {
  assessed: ['Assessed', 'Mark as assessed'],
  fixed: ['Fixed', 'Mark as fixed (resolves the report)'],
  disclosed: ['Disclosed', 'Mark as disclosed'],
} as const;

function Milestones({ report }: { report: ReportDetail }) {
  const record = useReportChange((milestone: (typeof MILESTONES)[number]) =>
    post(path(report, '/milestones'), { milestone }),
  );
  const at = { assessed: report.assessedAt, fixed: report.fixedAt, disclosed: report.disclosedAt };
  const missing = MILESTONES.filter((m) => at[m] === null);
  if (missing.length === 0) return null;
  return (
    <Action id="act-milestones" title="Milestones">
      <p className="muted help">The reporter sees each milestone with its date.</p>
      <ErrorMessage error={record.error} />
      <div className="button-row">
        {missing.map((m) => (
          <button
            key={m}
            type="button"
            className="secondary"
            disabled={record.isPending}
            onClick={() => record.mutate(m)}
          >
            {MILESTONE_WORDS[m][1]}
          </button>
        ))}
      </div>
    </Action>
  );
}

function CloseReport({ report }: { report: ReportDetail }) {
  const [resolution, setResolution] = useState<CloseReportInput['resolution']>('not_vulnerability');
  const [duplicateOf, setDuplicateOf] = useState('');
  const [reason, setReason] = useState('');
  const close = useReportChange(
    (input: CloseReportInput) => post(path(report, '/close'), input),
    focusStatus,
  );
  function submit(event: FormEvent) {
    event.preventDefault();
    close.mutate(
      resolution === 'duplicate'
        ? { resolution, duplicateOf: duplicateOf.trim().toUpperCase(), reason }
        : { resolution, reason },
    );
  }
  return (
    <Action id="act-close" title="Close">
      <details>
        <summary>Close as duplicate, not a vulnerability or spam</summary>
        <form onSubmit={submit}>
          <Choices
            legend="Why"
            name="resolution"
            options={CLOSE_RESOLUTIONS.map((r) => [r, CLOSE_WORDS[r]] as const)}
            value={resolution}
            onChange={setResolution}
          />
          {resolution === 'duplicate' ? (
            <TextField
              id="duplicate-of"
              label="Duplicate of report"
              help="The earlier report's key. The reporter is not told which report it is."
              placeholder="RPT-0001"
              required
              value={duplicateOf}
              onChange={setDuplicateOf}
            />
          ) : null}
          <TextField
            id="close-reason"
            label="Reason"
            help="The reporter reads this reason on the portal."
            multiline
            required
            value={reason}
            onChange={setReason}
          />
          <ErrorMessage error={close.error} />
          <button type="submit" className="danger" disabled={close.isPending}>
            Close the report
          </button>
        </form>
      </details>
    </Action>
  );
}

function PublicCopies({ report }: { report: ReportDetail }) {
  const [url, setUrl] = useState('');
  const record = useReportChange((input: { url: string }) =>
    post(path(report, '/public-url'), input),
  );
  const update = useReportChange(
    (input: { taskId: string; status: (typeof REMOVAL_STATUSES)[number]; evidence: string }) =>
      patch(path(report, `/removal-tasks/${encodeURIComponent(input.taskId)}`), {
        status: input.status,
        ...(input.evidence.trim() ? { evidence: input.evidence } : {}),
      }),
  );
  const pending = report.removalTasks.filter((t) => t.status === 'requested');
  return (
    <Action id="act-public" title="Posted in public">
      {pending.map((task) => (
        <RemovalTaskForm
          key={task.id}
          id={task.id}
          url={task.url}
          onSubmit={(status, evidence) => update.mutate({ taskId: task.id, status, evidence })}
          busy={update.isPending}
        />
      ))}
      <ErrorMessage error={update.error} />
      <details>
        <summary>Record where it was posted publicly</summary>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            record.mutate({ url }, { onSuccess: () => setUrl('') });
          }}
        >
          <TextField
            id="public-url"
            label="Public address"
            help="Opens a “remove from public view” task first, as the policy asks."
            type="url"
            required
            value={url}
            onChange={setUrl}
          />
          <ErrorMessage error={record.error} />
          <button type="submit" className="secondary" disabled={record.isPending}>
            Record the public copy
          </button>
        </form>
      </details>
    </Action>
  );
}

function RemovalTaskForm({
  id,
  url,
  onSubmit,
  busy,
}: {
  id: string;
  url: string;
  onSubmit: (status: (typeof REMOVAL_STATUSES)[number], evidence: string) => void;
  busy: boolean;
}) {
  const [status, setStatus] = useState<(typeof REMOVAL_STATUSES)[number]>('removed');
  const [evidence, setEvidence] = useState('');
  return (
    <form
      className="removal-task"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(status, evidence);
      }}
    >
      <p>
        Removal requested for <span className="untrusted inline-untrusted">{url}</span>
      </p>
      <Choices
        legend="Outcome"
        name={`removal-${id}`}
        options={REMOVAL_STATUSES.filter((s) => s !== 'requested').map(
          (s) => [s, REMOVAL_WORDS[s]] as const,
        )}
        value={status}
        onChange={setStatus}
      />
      <TextField
        id={`removal-evidence-${id}`}
        label="Evidence (optional)"
        multiline
        value={evidence}
        onChange={setEvidence}
      />
      <button type="submit" className="secondary" disabled={busy}>
        Update the removal task
      </button>
    </form>
  );
}

function Contact({ report }: { report: ReportDetail }) {
  const [contact, setContact] = useState<ReportContactDetails | null>(null);
  // A plain call, not a cached query: every read is audited, so it is made only when asked.
  const read = useMutation({
    mutationFn: () => request<ReportContactDetails>(path(report, '/contact')),
  });
  const rows = contact
    ? ([
        ['Name', contact.name],
        ['E-mail', contact.email],
        ['Phone', contact.phone],
        ['OpenPGP key', contact.pgpKey],
      ] as const)
    : [];
  const erased = contactRedaction(report);
  if (erased)
    return (
      <Action id="act-contact" title="Contact details">
        <p data-testid="contact-tombstone">
          <Tombstone what="contact" redaction={erased} />
        </p>
      </Action>
    );
  return (
    <Action id="act-contact" title="Contact details">
      <p className="muted help" id="contact-help">
        Each read is recorded in the report&apos;s access log and on the audit trail.
      </p>
      <ErrorMessage error={read.error} />
      {contact ? (
        <>
          <dl className="facts compact" data-testid="contact">
            {rows.map(([label, value]) => (
              <div key={label}>
                <dt>{label}</dt>
                <dd>
                  {value ? (
                    <span className="untrusted inline-untrusted">{value}</span>
                  ) : (
                    <span className="muted">Not given</span>
                  )}
                </dd>
              </div>
            ))}
          </dl>
          <button type="button" className="secondary" onClick={() => setContact(null)}>
            Hide contact
          </button>
        </>
      ) : (
        <button
          type="button"
          className="secondary"
          aria-describedby="contact-help"
          disabled={read.isPending}
          onClick={() => read.mutate(undefined, { onSuccess: setContact })}
        >
          Show contact
        </button>
      )}
    </Action>
  );
}

function AccessCode({ report }: { report: ReportDetail }) {
  const [code, setCode] = useState<string | null>(null);
  const issue = useReportChange(() => post<{ accessCode: string }>(path(report, '/access-code')));
  return (
    <Action id="act-access" title="Portal access code">
      <details>
        <summary>Issue a new access code</summary>
        <p className="muted help">
          For a reporter who lost theirs, once their identity is verified. The old code and its
          sessions stop working. The new code is shown here once.
        </p>
        <ErrorMessage error={issue.error} />
        {code ? (
          <p>
            New access code:{' '}
            <code className="hash" data-testid="new-access-code">
              {code}
            </code>
          </p>
        ) : (
          <button
            type="button"
            className="secondary"
            disabled={issue.isPending}
            onClick={() => issue.mutate(undefined, { onSuccess: (r) => setCode(r.accessCode) })}
          >
            Issue a new access code
          </button>
        )}
      </details>
    </Action>
  );
}
