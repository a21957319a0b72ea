// /exercises, "Exercises & reviews" (issue 14, item 7; Kai section 10): the policy's schedule of
// exercises and reviews, each item's periods scheduled, done or overdue (in words, not colour
// alone), the reviews, training and external tests recorded, and the form that records one.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { z } from 'zod';
import type { Programme } from '../../shared/api/programme.ts';
import { post, request } from '../api.ts';
import { Empty, ErrorMessage, QueryState, Time } from '../components/common.tsx';
import { humanize } from '../format.ts';
import { useCan } from '../session.tsx';
import { TextArea, TextInput } from './incidents/incident-parts.tsx';

type ProgrammeJson = z.infer<typeof Programme>;
const programmeKey = ['programme'] as const;

const STATE_WORDS = { scheduled: 'Scheduled', done: 'Done', overdue: 'Overdue' } as const;
const EVERY = (months: number) =>
  months === 12 ? 'every year' : months === 1 ? 'every month' : `every ${months} months`;
const MET_BY: Record<string, string> = {
  'incident.opened': 'an exercise declared',
  'programme.activity_recorded': 'recorded here',
  manual: 'marked met by hand',
};

function StateBadge({ state }: { state: keyof typeof STATE_WORDS | null }) {
  if (!state) return <span className="muted">Not started</span>;
  const cls = state === 'overdue' ? 'badge stopped' : state === 'done' ? 'badge ok' : 'badge';
  return <span className={cls}>{STATE_WORDS[state]}</span>;
}

export function ExercisesPage() {
  const can = useCan();
  const programme = useQuery({
    queryKey: programmeKey,
    queryFn: () => request<ProgrammeJson>('/programme'),
  });
  return (
    <>
      <h1>Exercises &amp; reviews</h1>
      <p className="muted">
        What the policy schedules: each period is a deadline that reminds and escalates like any
        other. Declaring an exercise (an incident declared as one) or recording a review meets it.
      </p>
      <QueryState query={programme} what="the schedule">
        {(p) => (
          <>
            <section aria-labelledby="overdue-heading">
              <h2 id="overdue-heading">Overdue</h2>
              {p.overdue.length === 0 ? (
                <Empty>Nothing is overdue.</Empty>
              ) : (
                <ul data-testid="overdue">
                  {p.items
                    .filter((i) => p.overdue.includes(i.id))
                    .map((i) => (
                      <li key={i.id}>
                        <a href={`#${i.id}`}>{i.title}</a> — was due <Time value={i.dueAt} />
                      </li>
                    ))}
                </ul>
              )}
            </section>
            <section aria-labelledby="schedule-heading">
              <h2 id="schedule-heading">Schedule</h2>
              {p.items.length === 0 ? (
                <Empty>The policy schedules nothing (learning.schedule).</Empty>
              ) : (
                <ul className="cards" data-testid="schedule">
                  {p.items.map((i) => (
                    <li key={i.id} id={i.id} className="card">
                      <h3>{i.title}</h3>
                      <div className="meta">
                        <StateBadge state={i.state} />
                        <span>
                          {humanize(i.kind)}, {EVERY(i.everyMonths)}
                        </span>
                        {i.dueAt ? (
                          <span>
                            Due <Time value={i.dueAt} />
                          </span>
                        ) : null}
                      </div>
                      {i.periods.length > 0 ? (
                        <ul aria-label={`Periods of ${i.title}`}>
                          {i.periods.map((period) => (
                            <li key={period.deadlineId}>
                              {period.period}: {STATE_WORDS[period.state]}
                              {period.metAt ? (
                                <>
                                  {' '}
                                  <Time value={period.metAt} /> (
                                  {MET_BY[period.metBy ?? ''] ?? period.metBy})
                                </>
                              ) : (
                                <>
                                  , due <Time value={period.dueAt} />
                                </>
                              )}
                            </li>
                          ))}
                        </ul>
                      ) : null}
                    </li>
                  ))}
                </ul>
              )}
            </section>
            {can('learning.write') ? <RecordActivity /> : null}
            <section aria-labelledby="recorded-heading">
              <h2 id="recorded-heading">Reviews, training and tests recorded</h2>
              {p.activities.length === 0 ? (
                <Empty>None recorded yet.</Empty>
              ) : (
                <ul className="cards" data-testid="activities">
                  {p.activities.map((a) => (
                    <li key={a.id} className="card">
                      <strong>{humanize(a.kind)}</strong> <Time value={a.heldAt} />
                      <p className="untrusted">{a.summary}</p>
                      <p className="muted">
                        Who: <span className="untrusted">{a.participants}</span> · Evidence:{' '}
                        <a href={a.evidenceUrl} rel="noopener noreferrer">
                          {a.evidenceUrl}
                        </a>
                      </p>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </>
        )}
      </QueryState>
    </>
  );
}

function RecordActivity() {
  const queryClient = useQueryClient();
  const [kind, setKind] = useState('process_review');
  const [heldAt, setHeldAt] = useState('');
  const [participants, setParticipants] = useState('');
  const [summary, setSummary] = useState('');
  const [evidenceUrl, setEvidenceUrl] = useState('');
  const record = useMutation({
    mutationFn: () =>
      post('/programme/activities', {
        kind,
        heldAt: heldAt ? new Date(heldAt).toISOString() : '',
        participants,
        summary,
        evidenceUrl,
      }),
    onSuccess: async () => {
      setParticipants('');
      setSummary('');
      setEvidenceUrl('');
      await queryClient.invalidateQueries({ queryKey: programmeKey });
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    record.mutate();
  }
  return (
    <section aria-labelledby="record-heading">
      <h2 id="record-heading">Record a review, training or test</h2>
      <form aria-labelledby="record-heading" onSubmit={submit} className="stack">
        <div>
          <label htmlFor="activity-kind">Kind</label>
          <select id="activity-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="process_review">Process review</option>
            <option value="training">Staff training</option>
            <option value="external_test">External test</option>
          </select>
        </div>
        <TextInput
          label="Held at"
          type="datetime-local"
          value={heldAt}
          onChange={setHeldAt}
          required
        />
        <TextInput label="Who took part" value={participants} onChange={setParticipants} required />
        <TextArea label="Summary" value={summary} onChange={setSummary} required />
        <TextInput
          label="Evidence (link)"
          type="url"
          value={evidenceUrl}
          onChange={setEvidenceUrl}
          required
        />
        <ErrorMessage error={record.error} />
        <button type="submit" disabled={record.isPending}>
          Record
        </button>
      </form>
    </section>
  );
}
