// /incidents/:key: one incident at a glance (severity, phase, owner, the line, what is due) and
// everything the policy asks of it next: the panel, roles, tasks, containment, the phase move,
// de-escalation and the hand-off to development, the details, participants and linked reports,
// the decision log, the timeline and the post-mortem. Live: every query sits under ['incidents', key].
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import type { PolicyResponse } from '../../../shared/api/policy.ts';
import { EXERCISE_KIND_WORDS } from '../../../shared/domain/incidents.ts';
import { ApiError } from '../../api.ts';
import { Countdown, ErrorMessage, Loading, SeverityBadge, Time } from '../../components/common.tsx';
import { humanize, toMs } from '../../format.ts';
import { usePolicy } from '../../queries.ts';
import {
  eligibleFor,
  useIncidentChange,
  useIncidentDeadlines,
  useIncidentDetail,
  useRights,
  useStaff,
  type Detail,
  type SectionProps,
} from './incident-data.ts';
import {
  ChangeFeedback,
  Field,
  PersonSelect,
  Submit,
  TextArea,
  FormDetails,
} from './incident-parts.tsx';
import { PanelSection } from './panel-section.tsx';
import { NextStepsSection } from './next-steps-section.tsx';
import { BreachSection } from './breach-section.tsx';
import { PhaseSection, SeveritySection, StepsSection } from './phase-section.tsx';
import { DecisionsSection, NotesSection, TimelineSection } from './record-sections.tsx';
import { ContainmentSection } from './containment-section.tsx';
import { ContinuitySection } from './continuity-section.tsx';
import { PostmortemSection } from './postmortem-section.tsx';
import { ExerciseReportSection } from './exercise-report-section.tsx';
import { EditSection, ParticipantsSection, ReportsSection } from './details-sections.tsx';
import { DeEscalationSection, HandOffSection } from './line-sections.tsx';
import { RolesSection, TasksSection } from './work-sections.tsx';
import './incidents.css';

export function IncidentPage() {
  const { key = '' } = useParams();
  const detail = useIncidentDetail(key);
  const policy = usePolicy();
  if (detail.isPending || policy.isPending) return <Loading what="the incident" />;
  if (detail.error instanceof ApiError && detail.error.status === 404)
    return (
      <>
        <h1>Incident not found</h1>
        <p>
          There is no incident {key} that you may see. <Link to="/incidents">All incidents</Link>
        </p>
      </>
    );
  if (detail.error || policy.error || !detail.data || !policy.data)
    return <ErrorMessage error={detail.error ?? policy.error} />;
  return <IncidentView detail={detail.data} policy={policy.data} />;
}

function IncidentView({ detail, policy }: { detail: Detail; policy: PolicyResponse }) {
  const rights = useRights(detail);
  const props = { detail, policy, rights };
  // A link to one task (#task-…, from "My tasks") scrolls to it once the page has it.
  const { hash } = useLocation();
  useEffect(() => {
    if (hash) document.getElementById(decodeURIComponent(hash.slice(1)))?.scrollIntoView();
  }, [hash]);
  return (
    <article className="incident" aria-labelledby="incident-title">
      <IncidentHeader {...props}>
        <NextStepsSection {...props} />
      </IncidentHeader>
      <div className="incident-grid">
        <div className="incident-main">
          <DeEscalationSection {...props} />
          <PhaseSection {...props} />
          <HandOffSection {...props} />
          <PanelSection {...props} />
          <TasksSection {...props} />
          <ContainmentSection {...props} />
          <ContinuitySection {...props} />
          <BreachSection {...props} />
          <DecisionsSection {...props} />
          <NotesSection {...props} />
          <TimelineSection {...props} />
          <ExerciseReportSection {...props} />
          <PostmortemSection {...props} />
        </div>
        <div className="incident-side">
          <OwnerSection {...props} />
          <EditSection {...props} />
          <ParticipantsSection {...props} />
          <ReportsSection {...props} />
          <SeveritySection {...props} />
          <RolesSection {...props} />
          <ReproductionSection {...props} />
          <StepsSection {...props} />
        </div>
      </div>
    </article>
  );
}

function IncidentHeader({
  detail,
  policy,
  rights,
  children,
}: SectionProps & { children: ReactNode }) {
  const { incident } = detail;
  const { nameOf } = useStaff();
  const phase = policy.phases.find((p) => p.id === incident.phase);
  return (
    <header className="incident-header panel">
      <p className="muted">
        <Link to="/incidents">Incidents</Link> › {incident.key}
      </p>
      <h1 id="incident-title">
        <span className="key">{incident.key}</span> {incident.title}
      </h1>
      {incident.exercise ? (
        <p className="exercise-banner" data-testid="exercise-banner">
          <strong>EXERCISE</strong> — a {EXERCISE_KIND_WORDS[incident.exercise.kind]}, not a real
          incident. Its notices reach its participants only; nothing of it goes to reporters,
          subscribers, regulators or the public page, and the real line keeps running.
          <span className="untrusted"> Scenario: {incident.exercise.scenario}</span>
        </p>
      ) : null}
      {children}
      <dl className="facts">
        <div>
          <dt>Severity</dt>
          <dd>
            <SeverityBadge severity={incident.severity} />
          </dd>
        </div>
        <div>
          <dt>Critical?</dt>
          <dd data-testid="criticality">
            {incident.criticality === 'critical'
              ? 'Critical'
              : incident.criticality === 'non_critical'
                ? 'Not critical'
                : 'Not decided yet'}
          </dd>
        </div>
        <div>
          <dt>Phase</dt>
          <dd data-testid="phase">{phase?.name ?? humanize(incident.phase)}</dd>
        </div>
        <div>
          <dt>Owner</dt>
          <dd>
            {incident.ownerId ? (
              nameOf(incident.ownerId)
            ) : (
              <span className="badge warn">No owner</span>
            )}
          </dd>
        </div>
        <div>
          <dt>The line</dt>
          <dd data-testid="incident-line">
            {incident.lineStopped ? (
              <span className="line-fact">
                <span aria-hidden="true">■ </span>Stopped by this incident since{' '}
                <Time value={incident.lineStoppedAt} />
              </span>
            ) : (
              'Not stopped by this incident'
            )}
          </dd>
        </div>
        <div>
          <dt>Access</dt>
          <dd>
            {incident.restricted ? (
              <span className="badge">Restricted to its participants</span>
            ) : (
              'All staff'
            )}
          </dd>
        </div>
        <div>
          <dt>Declared</dt>
          <dd>
            <Time value={incident.declaredAt} />
          </dd>
        </div>
      </dl>
      {rights.readDeadlines ? <NextDeadlines incidentKey={incident.key} /> : null}
      {incident.summary ? (
        <>
          <h2 className="visually-hidden">Summary</h2>
          <p className="untrusted" data-testid="summary">
            {incident.summary}
          </p>
        </>
      ) : null}
      {incident.affectedSystems.length > 0 ? (
        <p>Affected systems: {incident.affectedSystems.join(', ')}</p>
      ) : null}
    </header>
  );
}

function NextDeadlines({ incidentKey }: { incidentKey: string }) {
  const deadlines = useIncidentDeadlines(incidentKey, true);
  const next = (deadlines.data?.items ?? [])
    .filter((d) => d.status === 'pending' || d.status === 'paused')
    .sort((a, b) => toMs(a.dueAt) - toMs(b.dueAt))
    .slice(0, 4);
  if (deadlines.error) return <ErrorMessage error={deadlines.error} />;
  return (
    <section aria-labelledby="next-deadlines" className="deadlines-strip">
      <h2 id="next-deadlines">Next deadlines</h2>
      {next.length === 0 ? (
        <p className="muted">{deadlines.isPending ? 'Loading…' : 'Nothing due.'}</p>
      ) : (
        <ul data-testid="incident-deadlines">
          {next.map((d) => (
            <li key={d.id} className={d.breached ? 'breached' : undefined}>
              <strong>{humanize(d.kind)}</strong>{' '}
              {d.status === 'paused' ? (
                <span className="badge">Paused</span>
              ) : (
                <Countdown due={d.dueAt} />
              )}{' '}
              <span className="muted">
                (<Time value={d.dueAt} />)
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function OwnerSection({ detail, rights }: SectionProps) {
  const { incident } = detail;
  const { people, nameOf } = useStaff();
  const change = useIncidentChange(incident);
  const [userId, setUserId] = useState('');
  const assign = (e: FormEvent) => {
    e.preventDefault();
    void change.run('/owner', userId ? { userId } : {}).then((ok) => ok && setUserId(''));
  };
  return (
    <section aria-labelledby="owner" className="panel">
      <h2 id="owner">Owner</h2>
      <p>
        {incident.ownerId ? (
          <>
            <strong>{nameOf(incident.ownerId)}</strong> is responsible for this incident.
          </>
        ) : (
          'Nobody owns this incident yet.'
        )}
      </p>
      {rights.update ? (
        <form onSubmit={assign} aria-label="Assign the owner">
          <PersonSelect
            label="New owner"
            people={eligibleFor(people, 'owner').filter((p) => p.id !== incident.ownerId)}
            value={userId}
            onChange={setUserId}
            allowNone="Automatic: the available responder with the fewest open incidents"
          />
          <ChangeFeedback change={change} />
          <div className="buttons">
            <button type="submit" disabled={change.pending}>
              {userId ? 'Assign owner' : 'Assign automatically'}
            </button>
            {incident.ownerId !== rights.me ? (
              <button
                type="button"
                className="secondary"
                disabled={change.pending}
                onClick={() => void change.run('/owner', { userId: rights.me })}
              >
                Take it myself
              </button>
            ) : null}
          </div>
        </form>
      ) : null}
    </section>
  );
}

const RESULTS = {
  reproduced: 'Reproduced',
  not_reproduced: 'Could not reproduce',
  needs_information: 'Needs information from the reporter',
} as const;

function ReproductionSection({ detail, policy, rights }: SectionProps) {
  const { incident } = detail;
  const change = useIncidentChange(incident);
  const [result, setResult] = useState<keyof typeof RESULTS>('reproduced');
  const [steps, setSteps] = useState('');
  const [evidence, setEvidence] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void change.run('/reproduction', { result, steps, evidence });
  };
  return (
    <section aria-labelledby="reproduction" className="panel">
      <h2 id="reproduction">Verify and reproduce</h2>
      {incident.reproduction ? (
        <>
          <p>
            <strong>{RESULTS[incident.reproduction.result]}</strong>
            {incident.awaitingReporter ? ' — waiting for the reporter.' : null}
          </p>
          {incident.reproduction.steps ? (
            <p className="untrusted">{incident.reproduction.steps}</p>
          ) : null}
        </>
      ) : (
        <p className="muted">No reproduction recorded yet.</p>
      )}
      {rights.update ? (
        <FormDetails
          summary={incident.reproduction ? 'Record a new result' : 'Record the reproduction'}
          label="Record the reproduction"
          onSubmit={submit}
        >
          <Field label="Result" help={policy.verification.description}>
            {(p) => (
              <select
                {...p}
                value={result}
                onChange={(e) => setResult(e.target.value as keyof typeof RESULTS)}
              >
                {Object.entries(RESULTS).map(([id, name]) => (
                  <option key={id} value={id}>
                    {name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <TextArea label="Steps" value={steps} onChange={setSteps} />
          <TextArea label="Evidence" value={evidence} onChange={setEvidence} />
          <Submit change={change}>Record reproduction</Submit>
        </FormDetails>
      ) : null}
    </section>
  );
}
