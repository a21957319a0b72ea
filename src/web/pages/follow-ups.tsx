// /follow-ups, "Follow-ups" (issue 14, items 4 and 8): the post-mortems' follow-up actions across
// every incident the reader may see (the server leaves the rest out), soonest due first, filtered
// by status, type and "mine"; overdue ones said in words, the tracker's issue and its state, and a
// done proposed by the tracker. Those who write post-mortems change one here: hand it to someone
// else, move its due date (its clock starts again), or set its status. Titles are text.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { z } from 'zod';
import type { FollowUpList } from '../../shared/api/learning.ts';
import { consolePath } from '../../shared/domain/console-paths.ts';
import { FOLLOW_UP_STATUSES, FOLLOW_UP_TYPES } from '../../shared/domain/learning.ts';
import { patch, query, request } from '../api.ts';
import { Empty, ErrorMessage, QueryState, Time } from '../components/common.tsx';
import { DataTable } from '../components/data-table.tsx';
import { OwnerSelect } from '../components/proposal-answer.tsx';
import { FollowUpTracker } from '../components/tracker-issue.tsx';
import { humanize, localToRfc3339, rfc3339ToLocal } from '../format.ts';
import { useCan } from '../session.tsx';
import { useStaff } from './incidents/incident-data.ts';

type Item = z.infer<typeof FollowUpList>['items'][number];
const STATUS_WORDS = { open: 'Open', done: 'Done', not_doing: 'Not doing' } as const;

export function FollowUpsPage() {
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? 'open';
  const type = params.get('type') ?? '';
  const mine = params.get('owner') === 'me';
  const sent = { status: status === 'all' ? '' : status, type, owner: mine ? 'me' : '' };
  const list = useQuery({
    queryKey: ['follow-ups', sent],
    queryFn: () => request<z.infer<typeof FollowUpList>>(`/follow-ups${query(sent)}`),
  });
  const { nameOf } = useStaff();
  const mayChange = useCan()('learning.write');

  function apply(form: HTMLFormElement) {
    const data = new FormData(form);
    const next: Record<string, string> = {};
    for (const name of ['status', 'type']) {
      const value = String(data.get(name) ?? '');
      if (value !== '') next[name] = value;
    }
    if (data.get('owner') === 'me') next['owner'] = 'me';
    setParams(next);
  }

  return (
    <>
      <h1>Follow-ups</h1>
      <p className="muted">
        What the post-mortems decided to change, across the incidents you may see, soonest due
        first.
      </p>
      <form
        className="filters"
        aria-label="Filter follow-ups"
        key={params.toString()}
        onSubmit={(event) => {
          event.preventDefault();
          apply(event.currentTarget);
        }}
      >
        <label htmlFor="fu-status">Status</label>
        <select id="fu-status" name="status" defaultValue={status}>
          {FOLLOW_UP_STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_WORDS[s]}
            </option>
          ))}
          <option value="all">Any</option>
        </select>
        <label htmlFor="fu-type">Type</label>
        <select id="fu-type" name="type" defaultValue={type}>
          <option value="">Any</option>
          {FOLLOW_UP_TYPES.map((t) => (
            <option key={t} value={t}>
              {humanize(t)}
            </option>
          ))}
        </select>
        <label className="check">
          <input type="checkbox" name="owner" value="me" defaultChecked={mine} /> Mine only
        </label>
        <button type="submit">Apply filters</button>
      </form>
      <QueryState query={list} what="follow-ups">
        {(data) =>
          data.items.length === 0 ? (
            <Empty>No follow-ups match these filters.</Empty>
          ) : (
            <DataTable
              caption="Follow-ups"
              hideCaption
              testId="follow-ups"
              columns={[
                'Due',
                'Follow-up',
                'Incident',
                'Type',
                'Owner',
                'Status',
                'Tracker',
                ...(mayChange ? ['Change'] : []),
              ]}
            >
              {data.items.map((f) => (
                <FollowUpRow key={f.id} f={f} owner={nameOf(f.ownerId)} mayChange={mayChange} />
              ))}
            </DataTable>
          )
        }
      </QueryState>
    </>
  );
}

function FollowUpRow({ f, owner, mayChange }: { f: Item; owner: string; mayChange: boolean }) {
  return (
    <tr>
      <td id={`follow-up-${f.id}`}>
        <Time value={f.dueAt} />
        {f.overdue ? <span className="badge stopped"> Overdue</span> : null}
      </td>
      <td>
        {f.title}
        <span className="muted"> ({humanize(f.priority)} priority)</span>
      </td>
      <td>
        <FollowUpHolder f={f} />
      </td>
      <td>{humanize(f.type)}</td>
      <td>{owner}</td>
      <td>
        {STATUS_WORDS[f.status]}
        {f.reason ? <span className="muted">: {f.reason}</span> : null}
        {f.doneProposed ? (
          <p className="hint">The tracker closed its issue: done is proposed.</p>
        ) : null}
      </td>
      <td>
        <FollowUpTracker trackerUrl={f.trackerUrl} tracker={f.tracker} />
      </td>
      {mayChange ? (
        <td>
          <ChangeFollowUp f={f} />
        </td>
      ) : null}
    </tr>
  );
}

/**
 * Where it comes from: its incident's post-mortem, or for a stand-alone follow-up what proposed it
 * (alerts marked as noise: the alerts of that source and similar key).
 */
function FollowUpHolder({ f }: { f: Item }) {
  if (f.incident) {
    return (
      <Link to={`${consolePath.incident(f.incident.key)}#postmortem-heading`}>
        {f.incident.key}
      </Link>
    );
  }
  if (!f.source) return <span className="muted">None</span>;
  const alerts = `/alerts${query({ status: 'all', sourceId: f.source.alertSourceId, similarKey: f.source.similarKey })}`;
  return (
    <>
      <Link to={alerts}>
        Alerts {f.source.similarKey} ({f.source.alertSourceName})
      </Link>
      <span className="muted"> — {f.source.alertCount} marked as noise</span>
    </>
  );
}

/** Hand it to someone else, move its due date, or set its status (not doing says why). */
function ChangeFollowUp({ f }: { f: Item }) {
  const id = useId();
  const { people } = useStaff();
  const queryClient = useQueryClient();
  // What the form started from: only the fields changed here are sent, so a second Save after
  // a conflict keeps what someone else changed meanwhile in the other fields.
  const [base] = useState(() => ({
    ownerId: f.ownerId,
    due: rfc3339ToLocal(f.dueAt),
    status: f.status as string,
    reason: f.reason ?? '',
  }));
  const [ownerId, setOwnerId] = useState(base.ownerId);
  const [due, setDue] = useState(base.due);
  const [status, setStatus] = useState(base.status);
  const [reason, setReason] = useState(base.reason);
  const [open, setOpen] = useState(false);
  const save = useMutation({
    mutationFn: () => {
      const dueAt = localToRfc3339(due);
      // The version as listed: a change someone made since is a 409 ("reload and try again").
      const body: Record<string, unknown> = { expectedVersion: f.version };
      if (ownerId !== base.ownerId) body['ownerId'] = ownerId;
      if (dueAt !== null && due !== base.due) body['dueAt'] = dueAt;
      if (status !== base.status || (status === 'not_doing' && reason !== base.reason)) {
        body['status'] = status;
        body['reason'] = status === 'not_doing' ? reason : null;
      }
      return patch(`/follow-ups/${encodeURIComponent(f.id)}`, body);
    },
    // Refreshed either way: after a 409 the list shows the change made meanwhile (and the
    // version it is at now), and Save again sends this form's changes on top of it.
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['follow-ups'] }),
  });
  return (
    <details className="change-follow-up" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Change</summary>
      {open ? (
        <form
          aria-label={`Change “${f.title}”`}
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate();
          }}
        >
          {save.error ? <ErrorMessage error={save.error} /> : null}
          <OwnerSelect
            id={id}
            value={ownerId}
            onChange={setOwnerId}
            first={
              people.some((p) => p.id === f.ownerId)
                ? null
                : { value: f.ownerId, label: 'Someone no longer on staff' }
            }
          />
          <label htmlFor={`${id}-due`}>Due</label>
          <input
            id={`${id}-due`}
            type="datetime-local"
            value={due}
            onChange={(e) => setDue(e.target.value)}
          />
          <label htmlFor={`${id}-status`}>New status</label>
          <select id={`${id}-status`} value={status} onChange={(e) => setStatus(e.target.value)}>
            {FOLLOW_UP_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_WORDS[s]}
              </option>
            ))}
          </select>
          {status === 'not_doing' ? (
            <>
              <label htmlFor={`${id}-reason`}>Why not</label>
              <input
                id={`${id}-reason`}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
            </>
          ) : null}
          <button type="submit" disabled={save.isPending}>
            Save
          </button>
        </form>
      ) : null}
    </details>
  );
}
