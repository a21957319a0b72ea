// An exercise's report on its page (issue 14, item 7): each objective judged met or not with a
// note, objectives added, the report completed; the participants, the durations measured from the
// record and the post-mortem's follow-ups; the Markdown and PDF downloads. It says EXERCISE
// throughout; typed text is shown as text (docs/learning.md).
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { z } from 'zod';
import type { ExerciseReport } from '../../../shared/api/learning.ts';
import { request } from '../../api.ts';
import { Empty, ErrorMessage, Time } from '../../components/common.tsx';
import { keys } from '../../queries.ts';
import { useCan } from '../../session.tsx';
import { useStaff, type SectionProps } from './incident-data.ts';
import { ChangeFeedback, Submit, TextArea, TextInput, FormDetails } from './incident-parts.tsx';
import { useVersionedChange } from './postmortem-data.ts';
import { Durations } from './postmortem-section.tsx';

type ReportJson = z.infer<typeof ExerciseReport>;
type Objective = ReportJson['objectives'][number];

const base = (key: string) => `/incidents/${encodeURIComponent(key)}/exercise-report`;
const reportKey = (key: string) => [...keys.incident(key), 'exercise-report'] as const;

const JUDGED = (met: boolean | null) => (met === null ? 'Not judged yet' : met ? 'Met' : 'Not met');

export function ExerciseReportSection({ detail }: SectionProps) {
  const { key } = detail.incident;
  const report = useQuery({
    queryKey: reportKey(key),
    queryFn: () => request<ReportJson>(base(key)),
    enabled: detail.incident.exercise !== null,
  });
  if (!detail.incident.exercise) return null;
  return (
    <section
      aria-labelledby="exercise-report-heading"
      className="panel"
      data-testid="exercise-report"
    >
      <h2 id="exercise-report-heading">EXERCISE report</h2>
      {report.isPending ? (
        <p className="loading">Loading the exercise report…</p>
      ) : report.error || !report.data ? (
        <ErrorMessage error={report.error} />
      ) : (
        <ReportBody incidentKey={key} report={report.data} />
      )}
    </section>
  );
}

function ReportBody({ incidentKey, report }: { incidentKey: string; report: ReportJson }) {
  const can = useCan();
  const { nameOf } = useStaff();
  const change = useVersionedChange(base(incidentKey), reportKey(incidentKey), report.version);
  const editable = report.status === 'draft' && can('learning.write');
  const [objective, setObjective] = useState('');
  const [summary, setSummary] = useState('');
  const met = report.objectives.filter((o) => o.met === true).length;
  const add = (e: FormEvent) => {
    e.preventDefault();
    void change.run('/objectives', { text: objective }).then((ok) => ok && setObjective(''));
  };
  const complete = (e: FormEvent) => {
    e.preventDefault();
    void change.run('/complete', { summary });
  };
  const unjudged = report.objectives.filter((o) => o.met === null).length;
  const files = `/api/v1${base(incidentKey)}`;
  return (
    <>
      <p data-testid="exercise-report-status">
        <span className="badge">EXERCISE</span>{' '}
        {report.status === 'completed' ? (
          <>
            Completed by {nameOf(report.completedBy)} <Time value={report.completedAt} />.
          </>
        ) : (
          <>
            In draft.
            {report.requiredToClose
              ? ' The policy keeps this exercise from closing until its report is completed.'
              : ''}
          </>
        )}
      </p>
      <ul className="downloads" data-testid="exercise-report-files">
        <li>
          <a href={`${files}/report.md`} download>
            EXERCISE report (Markdown)
          </a>
        </li>
        <li>
          <a href={`${files}/report.pdf`} download>
            EXERCISE report (PDF)
          </a>
        </li>
      </ul>
      <ChangeFeedback change={change} />
      <h3>
        Objectives ({met} of {report.objectives.length} met)
      </h3>
      {report.objectives.length === 0 ? (
        <Empty>No objectives yet: add what this exercise sets out to show.</Empty>
      ) : (
        <ul className="objectives" data-testid="exercise-objectives">
          {report.objectives.map((o) => (
            <ObjectiveItem key={o.id} objective={o} editable={editable} change={change} />
          ))}
        </ul>
      )}
      {editable ? (
        <FormDetails summary="Add an objective" label="Add an objective" onSubmit={add}>
          <TextInput label="Objective" value={objective} onChange={setObjective} required />
          <Submit change={change}>Add the objective</Submit>
        </FormDetails>
      ) : null}
      {report.summary ? (
        <>
          <h3>Summary</h3>
          <p className="untrusted">{report.summary}</p>
        </>
      ) : null}
      <h3>Participants</h3>
      <ul data-testid="exercise-participants">
        {report.participants.map((id) => (
          <li key={id}>{nameOf(id)}</li>
        ))}
      </ul>
      <Durations durations={report.durations} />
      <h3>Follow-ups</h3>
      {report.followUps.length === 0 ? (
        <Empty>None raised: add them in the post-mortem.</Empty>
      ) : (
        <ul data-testid="exercise-follow-ups">
          {report.followUps.map((f) => (
            <li key={f.id}>
              <span className="untrusted">{f.title}</span> ({f.status.replace('_', ' ')}, owner{' '}
              {nameOf(f.ownerId)}, due <Time value={f.dueAt} />)
            </li>
          ))}
        </ul>
      )}
      {editable ? (
        <form onSubmit={complete} aria-label="Complete the EXERCISE report">
          <TextArea
            label="Summary: what the exercise showed"
            value={summary}
            onChange={setSummary}
          />
          <Submit
            change={change}
            waiting={
              report.objectives.length === 0
                ? 'Add an objective first'
                : unjudged > 0
                  ? `Judge every objective first (${unjudged} not judged)`
                  : null
            }
          >
            Complete the EXERCISE report
          </Submit>
        </form>
      ) : null}
    </>
  );
}

function ObjectiveItem({
  objective,
  editable,
  change,
}: {
  objective: Objective;
  editable: boolean;
  change: ReturnType<typeof useVersionedChange>;
}) {
  const [met, setMet] = useState<'met' | 'not_met' | ''>(
    objective.met === null ? '' : objective.met ? 'met' : 'not_met',
  );
  const [note, setNote] = useState(objective.note);
  const save = (e: FormEvent) => {
    e.preventDefault();
    void change.run(
      `/objectives/${encodeURIComponent(objective.id)}`,
      { met: met === 'met', note },
      'PUT',
    );
  };
  return (
    <li data-testid={`objective-${objective.id}`}>
      <strong>{JUDGED(objective.met)}</strong>: <span className="untrusted">{objective.text}</span>
      {objective.note ? <span className="untrusted"> — {objective.note}</span> : null}
      {editable ? (
        <form onSubmit={save} aria-label={`Judge the objective: ${objective.text}`}>
          <fieldset>
            <legend>Was it met?</legend>
            <label>
              <input
                type="radio"
                name={`met-${objective.id}`}
                checked={met === 'met'}
                onChange={() => setMet('met')}
                required
              />{' '}
              Met
            </label>
            <label>
              <input
                type="radio"
                name={`met-${objective.id}`}
                checked={met === 'not_met'}
                onChange={() => setMet('not_met')}
              />{' '}
              Not met
            </label>
          </fieldset>
          <TextArea label="What was seen" value={note} onChange={setNote} />
          <Submit change={change} secondary>
            Save the judgement
          </Submit>
        </form>
      ) : null}
    </li>
  );
}
