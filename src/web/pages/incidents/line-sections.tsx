// How a critical incident stops being critical: de-escalation (a rationale and a non-critical
// severity; per the policy's stopTheLine.resumesWhen the line may resume), shown first while this
// incident holds the line; and, once non-critical, the hand-off to normal development (a tracker
// link).
import { useState, type FormEvent } from 'react';
import type { PolicyResponse } from '../../../shared/api/policy.ts';
import { Time } from '../../components/common.tsx';
import { SafeLink, TRACKER_STATE_WORDS } from '../../components/tracker-issue.tsx';
import {
  actionOf,
  useIncidentChange,
  useTrackerIssues,
  type Incident,
  type SectionProps,
} from './incident-data.ts';
import {
  Field,
  FormDetails,
  Refused,
  Submit,
  TextArea,
  TextInput,
  useFocusAfter,
} from './incident-parts.tsx';

/** As the server decides: the severity's flag, or the panel's decision while none is set. */
export function isCritical(incident: Incident, policy: PolicyResponse): boolean {
  const severity = policy.severities.find((s) => s.id === incident.severity);
  if (incident.severity !== null) return severity?.critical ?? false;
  return incident.criticality === 'critical';
}

/** The policy's resume conditions in words: "it is contained (…), de-escalated or closed". */
function resumesWhen(policy: PolicyResponse): string {
  const { stopTheLine } = policy;
  const name = (id: string) => policy.phases.find((p) => p.id === id)?.name ?? id;
  const words = stopTheLine.resumesWhen.map((c) =>
    c === 'contained'
      ? `contained (past ${name(stopTheLine.containedAfterPhase)})`
      : c === 'de_escalated'
        ? 'de-escalated'
        : c === 'resolved'
          ? `resolved (at ${name(stopTheLine.resolvedAtPhase)})`
          : 'closed',
  );
  if (words.length === 0) return '';
  const list =
    words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
  return `The line runs again once this incident is ${list}.`;
}

export function DeEscalationSection({ detail, policy, rights }: SectionProps) {
  const { incident } = detail;
  const change = useIncidentChange(incident);
  const [headingRef, focusHeading] = useFocusAfter<HTMLHeadingElement>();
  const [rationale, setRationale] = useState('');
  const [severity, setSeverity] = useState('');
  const critical = isCritical(incident, policy);
  const deEscalation = actionOf(detail, 'de_escalate');
  if (!critical && incident.deEscalatedAt === null) return null;
  const lower = policy.severities.filter((s) => !s.critical);
  const fallback = policy.criticality.defaultSeverity.non_critical;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void change.run('/de-escalate', { rationale, ...(severity ? { severity } : {}) }).then((ok) => {
      if (!ok) return;
      setRationale('');
      setSeverity('');
      focusHeading();
    });
  };
  return (
    <section
      aria-labelledby="de-escalation-heading"
      className={`panel${incident.lineStopped ? ' holds-line' : ''}`}
      data-testid="de-escalation"
    >
      <h2 id="de-escalation-heading" ref={headingRef} tabIndex={-1}>
        {critical ? 'De-escalation' : 'De-escalated'}
      </h2>
      {incident.lineStopped ? (
        <p>
          <strong>
            <span aria-hidden="true">■ </span>This incident holds the line stopped.
          </strong>{' '}
          {resumesWhen(policy)}
        </p>
      ) : null}
      {critical ? (
        <p className="help">{policy.stopTheLine.description}</p>
      ) : (
        <p>
          De-escalated <Time value={incident.deEscalatedAt} />: no longer critical. Fixing the root
          cause is a follow-up task.
        </p>
      )}
      {critical && rights.decide && !deEscalation.allowed ? (
        <Refused id="de-escalate-refused" answer={deEscalation} what="De-escalation" />
      ) : critical && rights.decide ? (
        <FormDetails
          summary="De-escalate this incident"
          label="De-escalate this incident"
          onSubmit={submit}
        >
          <TextArea
            label="Why it is no longer critical"
            help="For example, the containment that stopped the damage. Kept on the record; the root-cause fix becomes a follow-up task."
            required
            value={rationale}
            onChange={setRationale}
          />
          <Field label="New severity">
            {(p) => (
              <select {...p} value={severity} onChange={(e) => setSeverity(e.target.value)}>
                <option value="">The policy’s default ({fallback})</option>
                {lower.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.id} · {s.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Submit change={change}>De-escalate</Submit>
        </FormDetails>
      ) : null}
    </section>
  );
}

const ISSUE_STATUS_WORDS = {
  pending: 'Being created',
  created: 'Created',
  failed: 'Not created yet: trying again',
  dead: 'Given up: not created',
} as const;

/** Each connected tracker's issue for this incident, its state and what went wrong, as text. */
function TrackerIssues({ incidentKey, enabled }: { incidentKey: string; enabled: boolean }) {
  const issues = useTrackerIssues(incidentKey, enabled);
  const items = issues.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <>
      {issues.data?.closeProposed ? (
        <p className="notice" role="status">
          A tracker closed its issue: closing this incident is proposed. It stays open until someone
          closes it here.
        </p>
      ) : null}
      <ul className="tracker-issues" aria-label="Tracker issues">
        {items.map((i) => (
          <li key={i.id} data-testid="tracker-issue">
            <strong>{i.connection}</strong> ({i.kind}): {ISSUE_STATUS_WORDS[i.status]}
            {i.key || i.url ? (
              <>
                {' · '}
                <SafeLink href={i.url}>{i.key ?? i.url ?? ''}</SafeLink>
              </>
            ) : null}
            {i.state ? (
              <>
                {' · '}
                {TRACKER_STATE_WORDS[i.state]}
                {i.closedAt ? (
                  <>
                    {' '}
                    (<Time value={i.closedAt} />)
                  </>
                ) : null}
              </>
            ) : null}
            {' · last change '}
            <Time value={i.updatedAt} />
            {i.lastError ? <p className="muted">Last error: {i.lastError}</p> : null}
          </li>
        ))}
      </ul>
    </>
  );
}

export function HandOffSection({ detail, policy, rights }: SectionProps) {
  const { incident } = detail;
  const change = useIncidentChange(incident);
  const [linkRef, focusLink] = useFocusAfter<HTMLAnchorElement>();
  const [url, setUrl] = useState('');
  const eligible = incident.criticality === 'non_critical' && !isCritical(incident, policy);
  // Tracker issues are made only for a non-critical decision, so they show where the link does.
  const issues = <TrackerIssues incidentKey={incident.key} enabled={eligible} />;
  if (!incident.trackerUrl && !eligible) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void change.run('/hand-off', { trackerUrl: url }).then((ok) => {
      if (!ok) return;
      setUrl('');
      focusLink();
    });
  };
  return (
    <section aria-labelledby="hand-off-heading" className="panel">
      <h2 id="hand-off-heading">Development</h2>
      {incident.trackerUrl ? (
        <p data-testid="tracker">
          Handed off to development:{' '}
          {/^https?:\/\//i.test(incident.trackerUrl) ? (
            <a
              ref={linkRef}
              className="incident-link"
              href={incident.trackerUrl}
              rel="noreferrer noopener"
              target="_blank"
            >
              {incident.trackerUrl}
            </a>
          ) : (
            <span className="incident-link">{incident.trackerUrl}</span>
          )}
        </p>
      ) : (
        <p className="muted">Not handed off yet.</p>
      )}
      {issues}
      {rights.update && eligible ? (
        <FormDetails
          summary={incident.trackerUrl ? 'Change the tracker link' : 'Hand off to development'}
          label="Hand off to development"
          onSubmit={submit}
        >
          <TextInput
            label="Tracker link"
            help="A non-critical incident goes to the normal development process: the issue or ticket where the fix is tracked."
            type="url"
            required
            maxLength={2000}
            value={url}
            onChange={setUrl}
          />
          <Submit change={change}>Hand off</Submit>
        </FormDetails>
      ) : null}
    </section>
  );
}
