// "What you must do now": the signed-in person's next steps on this incident, as the server
// derives them from the incident and the person (their vote, tasks, the roles to fill, what still
// blocks the phase, their role's duties). First on the page; a panel member's vote form is here.
import type { NextStepKind } from '../../../shared/domain/incidents.ts';
import { votesHere, type Detail, type SectionProps } from './incident-data.ts';
import { VoteForm } from './panel-section.tsx';

/** Where on the page each kind of step is done (a heading's id). */
const WHERE: Record<NextStepKind, string> = {
  vote: 'your-vote',
  final_call: 'panel',
  take_ownership: 'owner',
  task: 'tasks-heading',
  reproduce: 'reproduction',
  convene_panel: 'panel',
  fill_role: 'roles-heading',
  clear_blocker: 'phase-heading',
  role_duty: 'roles-heading',
};

type Step = Detail['nextSteps'][number];
const anchor = (s: Step) => (s.kind === 'task' && s.taskId ? `task-${s.taskId}` : WHERE[s.kind]);

export function NextStepsSection(props: SectionProps) {
  const { detail } = props;
  if (detail.incident.closedAt !== null) return null;
  const vote = votesHere(props);
  const steps = detail.nextSteps.filter((s) => !(vote && s.kind === 'vote'));
  return (
    <section aria-labelledby="next-steps-heading" className="next-steps" data-testid="next-steps">
      <h2 id="next-steps-heading">What you must do now</h2>
      {detail.nextSteps.length === 0 ? <p className="muted">Nothing here waits for you.</p> : null}
      {vote ? (
        <div id="your-vote">
          <p>
            <strong>The panel waits for your vote.</strong>
          </p>
          <VoteForm {...props} />
        </div>
      ) : null}
      {steps.length > 0 ? (
        <ol className="steps-list">
          {steps.map((s, n) => (
            <li key={`${s.kind}-${s.taskId ?? n}`} data-kind={s.kind}>
              <a href={`#${anchor(s)}`}>{s.text}</a>
              {s.detail ? <p className="help">{s.detail}</p> : null}
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
