// "Changes proposed by post-mortems" on the policy page (issue 14, item 4): the loop back to the
// policy, Kundo's "regularly updated based on learnings from the post mortem meetings", made
// visible. Each change names the section, the proposal, the incident whose post-mortem it came
// from, who proposed it and where it stands; a proposal of an incident's record waiting for an
// answer is taken as it is (a follow-up owned by the person taking it) or declined with a reason,
// by those who write post-mortems. Titles and reasons are text.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import type { z } from 'zod';
import type { PolicyChangeList } from '../../../shared/api/learning.ts';
import { consolePath } from '../../../shared/domain/console-paths.ts';
import { request } from '../../api.ts';
import { Empty, ErrorMessage, QueryState, Time } from '../../components/common.tsx';
import { DeclineForm } from '../../components/proposal-answer.tsx';
import { localToRfc3339, rfc3339ToLocal } from '../../format.ts';
import { useCan } from '../../session.tsx';
import { useStaff } from '../incidents/incident-data.ts';

type Change = z.infer<typeof PolicyChangeList>['items'][number];
const QUERY_KEY = ['policy', 'proposed-changes'] as const;
const DAY = 86_400_000;

/** The policy's sections in words, with the heading of this page that shows each (if any). */
const SECTIONS: Record<Change['policySection'], { name: string; anchor?: string }> = {
  severities: { name: 'Severities', anchor: 'severities' },
  criticality: { name: 'Is it critical? The panel’s questions', anchor: 'criticality' },
  panel: { name: 'The assessment panel', anchor: 'panel' },
  roles: { name: 'Incident roles', anchor: 'roles' },
  phases: { name: 'Phases', anchor: 'phases' },
  stopTheLine: { name: 'Stop the line', anchor: 'stop-the-line' },
  verification: { name: 'Verification', anchor: 'reporters' },
  reporters: { name: 'Reporters', anchor: 'reporters' },
  security: { name: 'Accounts', anchor: 'security' },
  clocks: { name: 'Clocks', anchor: 'clocks' },
  containment: { name: 'Containment', anchor: 'containment' },
  breach: { name: 'Personal data breaches' },
  learning: { name: 'Learning (post-mortems)' },
};
const FOLLOW_UP_STATUS = { open: 'open', done: 'done', not_doing: 'not doing' } as const;

export function PolicyChanges() {
  const can = useCan();
  const list = useQuery({
    queryKey: QUERY_KEY,
    queryFn: () => request<z.infer<typeof PolicyChangeList>>('/policy/proposed-changes'),
  });
  const waiting = list.data?.items.filter((c) => c.status === 'proposed').length ?? 0;
  return (
    <section aria-labelledby="proposed-changes" className="policy">
      <h2 id="proposed-changes">Changes proposed by post-mortems</h2>
      <p>
        What the incidents taught about this policy: each breached deadline and each departure from
        the policy in an incident&apos;s record proposes a change, and a post-mortem may write one
        down as a follow-up of type process.
        {waiting > 0 ? ` ${waiting} waiting for an answer.` : ''}
      </p>
      <QueryState query={list} what="the proposed changes">
        {(data) =>
          data.items.length === 0 ? (
            <Empty>No post-mortem has proposed a change to the policy.</Empty>
          ) : (
            <ul className="policy-changes" data-testid="policy-changes">
              {data.items.map((c) => (
                <ChangeItem
                  key={`${c.incident.id}:${c.id}`}
                  change={c}
                  mayAnswer={can('learning.write')}
                />
              ))}
            </ul>
          )
        }
      </QueryState>
    </section>
  );
}

function ChangeItem({ change: c, mayAnswer }: { change: Change; mayAnswer: boolean }) {
  const { nameOf } = useStaff();
  const section = SECTIONS[c.policySection];
  return (
    <li className="panel" data-testid={`policy-change-${c.id}`}>
      <h3>{c.title}</h3>
      <dl className="facts">
        <div>
          <dt>Section</dt>
          <dd>
            {section.anchor ? <a href={`#${section.anchor}`}>{section.name}</a> : section.name}
          </dd>
        </div>
        {c.because ? (
          <div>
            <dt>Because</dt>
            <dd>{c.because}</dd>
          </div>
        ) : null}
        <div>
          <dt>From</dt>
          <dd>
            <Link to={`${consolePath.incident(c.incident.key)}#postmortem-heading`}>
              {c.incident.key}
            </Link>
            ’s post-mortem
          </dd>
        </div>
        <div>
          <dt>Proposed by</dt>
          <dd>
            {c.proposedBy === null ? 'The incident’s record' : nameOf(c.proposedBy)},{' '}
            <Time value={c.proposedAt} />
          </dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd data-testid="policy-change-status">
            <Status change={c} nameOf={nameOf} />
          </dd>
        </div>
      </dl>
      {c.status === 'proposed' && mayAnswer ? <Answer change={c} /> : null}
    </li>
  );
}

function Status({ change: c, nameOf }: { change: Change; nameOf: (id: string | null) => string }) {
  if (c.status === 'declined' && c.declined) {
    return (
      <>
        Declined by {nameOf(c.declined.by)}, <Time value={c.declined.at} />: {c.declined.reason}
      </>
    );
  }
  if (c.status === 'taken' && c.followUp) {
    const f = c.followUp;
    return (
      <>
        Taken as a follow-up, {FOLLOW_UP_STATUS[f.status]}: {nameOf(f.ownerId)}, due{' '}
        <Time value={f.dueAt} />
        {f.overdue ? <span className="badge stopped"> Overdue</span> : null}
        {f.reason ? ` (${f.reason})` : ''}
      </>
    );
  }
  return <>Waiting for an answer</>;
}

/** Take the proposal as it is (a follow-up of yours, due when you say), or decline it with why. */
function Answer({ change: c }: { change: Change }) {
  const id = useId();
  const queryClient = useQueryClient();
  const [due, setDue] = useState(() =>
    rfc3339ToLocal(new Date(Date.now() + 30 * DAY).toISOString()),
  );
  const base = `/incidents/${encodeURIComponent(c.incident.key)}/postmortem/proposals/${encodeURIComponent(c.id)}`;
  const answer = useMutation({
    mutationFn: (step: { to: 'accept' | 'decline'; body: Record<string, unknown> }) =>
      request(`${base}/${step.to}`, { method: 'POST', body: step.body }),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: QUERY_KEY }),
        queryClient.invalidateQueries({ queryKey: ['follow-ups'] }),
      ]),
  });
  return (
    <div className="answer">
      {answer.error ? <ErrorMessage error={answer.error} /> : null}
      <form
        aria-label={`Take “${c.title}” as a follow-up`}
        onSubmit={(event) => {
          event.preventDefault();
          answer.mutate({ to: 'accept', body: { dueAt: localToRfc3339(due) ?? '' } });
        }}
      >
        <label htmlFor={`${id}-due`}>Due (a follow-up of yours)</label>
        <input
          id={`${id}-due`}
          type="datetime-local"
          required
          value={due}
          onChange={(e) => setDue(e.target.value)}
        />
        <button type="submit" disabled={answer.isPending}>
          Accept
        </button>
      </form>
      <DeclineForm
        id={id}
        title={c.title}
        pending={answer.isPending}
        onDecline={(reason) => answer.mutate({ to: 'decline', body: { reason } })}
      />
    </div>
  );
}
