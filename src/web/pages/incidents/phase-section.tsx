// Where the incident is in the policy's phases and what still blocks leaving the current one
// (shown before anyone tries), the move to a next phase (a refusal shows the server's reasons),
// the severity with its rationale, and the steps recorded once that exit checks look for.
import { useState, type FormEvent } from 'react';
import { MILESTONES, isRecoveryStep, type Milestone } from '../../../shared/domain/incidents.ts';
import { Time } from '../../components/common.tsx';
import {
  actionOf,
  useIncidentChange,
  useStaff,
  waitingForReproduction,
  type SectionProps,
} from './incident-data.ts';
import {
  ChangeFeedback,
  Field,
  Refused,
  Submit,
  TextArea,
  FormDetails,
} from './incident-parts.tsx';

const SKIPPABLE: Record<string, string> = {
  never: 'cannot be skipped',
  always: 'may be skipped',
  critical: 'may be skipped for critical incidents',
  non_critical: 'may be skipped for non-critical incidents',
};

export function PhaseSection({ detail, policy, rights }: SectionProps) {
  const { incident, exitChecksFailing } = detail;
  const change = useIncidentChange(incident);
  const index = policy.phases.findIndex((p) => p.id === incident.phase);
  const current = policy.phases[index];
  const later = policy.phases.slice(index + 1);
  const [target, setTarget] = useState('');
  const next = later[0];
  // The server's answer for each move: what the rules would refuse is shown disabled, with why.
  const nextMove = next ? actionOf(detail, 'move_phase', next.id) : null;
  const targetMove = target ? actionOf(detail, 'move_phase', target) : null;
  const move = (phase: string) => void change.run('/phase', { phase });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (target) move(target);
  };

  return (
    <section aria-labelledby="phase-heading" className="panel" data-testid="phase-section">
      <h2 id="phase-heading">Phase: {current?.name ?? incident.phase}</h2>
      <ol className="phases" aria-label="The policy's phases">
        {policy.phases.map((p, n) => (
          <li
            key={p.id}
            className={n < index ? 'done' : n === index ? 'current' : undefined}
            aria-current={n === index ? 'step' : undefined}
          >
            {n < index ? <span aria-hidden="true">✓ </span> : null}
            {p.name}
            {n < index ? <span className="visually-hidden"> (done)</span> : null}
          </li>
        ))}
      </ol>
      {current ? <p className="help">{current.description}</p> : null}
      {incident.closedAt ? (
        <p>
          Closed <Time value={incident.closedAt} />. Its record can still be read, noted and added
          to the decision log.
        </p>
      ) : exitChecksFailing.length > 0 ? (
        <div className="blockers" data-testid="exit-checks">
          <h3>Before leaving {current?.name ?? 'this phase'}</h3>
          <ul className="checks">
            {exitChecksFailing.map((f) => (
              <li key={f.code}>
                <span aria-hidden="true">✗ </span>
                {f.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="ok-text" data-testid="exit-checks">
          <span aria-hidden="true">✓ </span>Every exit check of this phase holds.
        </p>
      )}
      {rights.update && next && nextMove ? (
        <form onSubmit={submit} aria-label="Move to another phase">
          <div className="buttons">
            <button
              type="button"
              onClick={() => move(next.id)}
              disabled={change.pending || !nextMove.allowed}
              aria-describedby={nextMove.allowed ? undefined : 'move-next-refused'}
            >
              Move to {next.name}
            </button>
          </div>
          <Refused
            id="move-next-refused"
            answer={nextMove}
            what={`Move to ${next.name}`}
            shown={exitChecksFailing.map((f) => f.reason)}
          />
          {later.length > 1 ? (
            <>
              <label htmlFor="phase-target">Or skip ahead to</label>
              <div className="inline">
                <select
                  id="phase-target"
                  value={target}
                  onChange={(e) => setTarget(e.target.value)}
                >
                  <option value="">Choose a phase</option>
                  {later.slice(1).map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name}
                      {actionOf(detail, 'move_phase', p.id).allowed ? '' : ' (not allowed now)'}
                    </option>
                  ))}
                </select>
                <button
                  type="submit"
                  className="secondary"
                  disabled={!targetMove?.allowed || change.pending}
                  aria-describedby={
                    targetMove?.allowed === false ? 'move-target-refused' : undefined
                  }
                >
                  Move
                </button>
              </div>
              {targetMove ? (
                <Refused
                  id="move-target-refused"
                  answer={targetMove}
                  what={`Skip ahead to ${later.find((p) => p.id === target)?.name ?? target}`}
                  shown={exitChecksFailing.map((f) => f.reason)}
                />
              ) : null}
              <p className="help">
                Skipping:{' '}
                {later
                  .slice(0, -1)
                  .map((p) => `${p.name} ${SKIPPABLE[p.skippableWhen] ?? ''}`)
                  .join('; ')}
                .
              </p>
            </>
          ) : null}
          <ChangeFeedback change={change} />
        </form>
      ) : null}
    </section>
  );
}

export function SeveritySection({ detail, policy, rights }: SectionProps) {
  const { incident } = detail;
  const change = useIncidentChange(incident);
  const [severity, setSeverity] = useState('');
  const [rationale, setRationale] = useState('');
  const [emergency, setEmergency] = useState('');
  const current = policy.severities.find((s) => s.id === incident.severity);
  // Before verify & reproduce: refused, unless the policy lets the security lead override.
  const waiting = waitingForReproduction(incident, policy, 'severity');
  const mayOverride =
    waiting !== null && policy.verification.allowEmergencySeverity && rights.decide;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const override = mayOverride ? { override: { reason: emergency } } : {};
    void change.run('/severity', { severity, rationale, ...override }).then((ok) => {
      if (ok) {
        setSeverity('');
        setRationale('');
        setEmergency('');
      }
    });
  };
  return (
    <section aria-labelledby="severity-heading" className="panel">
      <h2 id="severity-heading">Severity</h2>
      <p>
        {current ? (
          <>
            <strong>
              {current.id} · {current.name}
            </strong>
            : {current.description} Respond within {current.responseWithin.text}.
          </>
        ) : (
          'Not set yet: the panel’s decision sets the policy’s default.'
        )}
      </p>
      {rights.update ? (
        <FormDetails summary="Change the severity" label="Change the severity" onSubmit={submit}>
          <Field label="New severity">
            {(p) => (
              <select
                {...p}
                required
                value={severity}
                onChange={(e) => setSeverity(e.target.value)}
              >
                <option value="">Choose a severity</option>
                {policy.severities
                  .filter((s) => s.id !== incident.severity)
                  .map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.id} · {s.name}
                      {s.critical ? ' (critical: stops the line)' : ''}
                    </option>
                  ))}
              </select>
            )}
          </Field>
          <TextArea
            label="Why"
            help="The rationale is kept on the record with the change."
            required
            value={rationale}
            onChange={setRationale}
          />
          {mayOverride ? (
            <TextArea
              label="Emergency: why it cannot wait for verify & reproduce"
              help={`${waiting} As the security lead you may set it now; the incident records that you did and why.`}
              required
              value={emergency}
              onChange={setEmergency}
            />
          ) : null}
          <Submit change={change} waiting={mayOverride ? null : waiting}>
            {mayOverride ? 'Set the emergency severity' : 'Change severity'}
          </Submit>
        </FormDetails>
      ) : null}
    </section>
  );
}

const STEPS: Record<Milestone, string> = {
  public_disclosure_removed: 'The public disclosure was taken down',
  root_cause_fixed: 'The root cause is fixed',
  reporter_informed: 'The reporter was told the status and next steps',
  post_mortem_recorded: 'The post-mortem was held',
  final_report_step_recorded: 'The final report was written',
  restoration_validated: 'Recovery: restoration from clean backups validated',
  service_validated: 'Recovery: the service validated clean and working',
  monitoring_added: 'Recovery: additional monitoring added',
  phased_return_recorded: 'Recovery: phased return to full operation',
};

/**
 * The steps recorded once: the policy's recovery steps (Kai 4.4) when one of its phases checks
 * them, then the others; each recorded one with who, when and its note (the evidence).
 */
export function StepsSection({ detail, policy, rights }: SectionProps) {
  const { incident, steps } = detail;
  const { nameOf } = useStaff();
  const change = useIncidentChange(incident);
  const checked = new Set(policy.phases.flatMap((p) => p.exitChecks.map((c) => c.check)));
  const shown = MILESTONES.filter((m) => !isRecoveryStep(m) || checked.has(m));
  const todo = shown.filter((m) => !incident.milestones.includes(m));
  const [milestone, setMilestone] = useState('');
  const [note, setNote] = useState('');
  const recovery = milestone !== '' && isRecoveryStep(milestone as Milestone);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void change.run('/milestones', { milestone, note }).then((ok) => {
      if (ok) {
        setMilestone('');
        setNote('');
      }
    });
  };
  return (
    <section aria-labelledby="steps-heading" className="panel" data-testid="steps-section">
      <h2 id="steps-heading">Steps</h2>
      <ul className="checks">
        {shown.map((m) => {
          const done = steps.find((s) => s.milestone === m);
          return (
            <li key={m} className={done ? 'ok-text' : 'muted'}>
              <span aria-hidden="true">{done ? '✓ ' : '○ '}</span>
              {STEPS[m]}
              <span className="visually-hidden">{done ? ' (recorded)' : ' (not yet)'}</span>
              {done ? (
                <div className="help">
                  {nameOf(done.recordedBy)}, <Time value={done.at} />
                  {done.note ? <>: {done.note}</> : null}
                </div>
              ) : null}
            </li>
          );
        })}
      </ul>
      {rights.update && todo.length > 0 ? (
        <FormDetails summary="Record a step" label="Record a step" onSubmit={submit}>
          <Field label="Step">
            {(p) => (
              <select
                {...p}
                required
                value={milestone}
                onChange={(e) => setMilestone(e.target.value)}
              >
                <option value="">Choose a step</option>
                {todo.map((m) => (
                  <option key={m} value={m}>
                    {STEPS[m]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <TextArea
            label={recovery ? 'Evidence' : 'Note (optional)'}
            help={
              recovery
                ? 'What shows it: a check run, a dashboard, a ticket. Kept on the record with your name.'
                : undefined
            }
            required={recovery}
            value={note}
            onChange={setNote}
          />
          <Submit change={change}>Record step</Submit>
        </FormDetails>
      ) : null}
    </section>
  );
}
