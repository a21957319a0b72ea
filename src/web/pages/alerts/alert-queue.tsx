// The alert triage queue (alerts.read): alerts filtered by where they stand, source, severity,
// words and a label, newest first and paged; similar alerts grouped with counts; and, with
// alerts.triage, one decision for the alerts selected: open one incident, attach them to an open
// incident, acknowledge, snooze until a time, or mark as noise with a reason. Alert text (summary,
// labels, reasons) comes from monitoring and is shown as text only.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { z } from 'zod';
import type {
  AlertGroupList,
  AlertList,
  AlertSourceList,
  TuningProposalList,
} from '../../../shared/api/alerts.ts';
import { ALERT_QUEUE_FILTERS, ALERT_SEVERITIES } from '../../../shared/domain/alerts.ts';
import { consolePath } from '../../../shared/domain/console-paths.ts';
import { post, query, request } from '../../api.ts';
import { Empty, ErrorMessage, QueryState, Time } from '../../components/common.tsx';
import { DataTable, Pager } from '../../components/data-table.tsx';
import { humanize, localToRfc3339, rfc3339ToLocal } from '../../format.ts';
import { useOpenIncidents, usePolicy } from '../../queries.ts';
import { useCan } from '../../session.tsx';
import { DeclineForm, OwnerSelect } from '../../components/proposal-answer.tsx';

type Alert = z.infer<typeof AlertList>['items'][number];
const FILTERS = ['status', 'sourceId', 'severity', 'q', 'label', 'similarKey', 'before'] as const;
const STATUS_WORDS: Record<(typeof ALERT_QUEUE_FILTERS)[number], string> = {
  open: 'Waiting for triage',
  firing: 'Firing',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
  snoozed: 'Snoozed',
  noise: 'Noise',
};

function useFilters() {
  const [params, setParams] = useSearchParams();
  const filters = Object.fromEntries(
    FILTERS.map((f) => [f, params.get(f) ?? (f === 'status' ? 'open' : '')]),
  ) as Record<(typeof FILTERS)[number], string>;
  return { filters, setParams };
}

export function AlertQueuePage() {
  const { filters, setParams } = useFilters();
  const can = useCan();
  const [selected, setSelected] = useState<string[]>([]);
  const sent = { ...filters, status: filters.status === 'all' ? '' : filters.status };
  const alerts = useQuery({
    queryKey: ['alerts', sent],
    queryFn: () => request<z.infer<typeof AlertList>>(`/alerts${query({ ...sent, limit: 25 })}`),
  });
  const { before: _before, ...groupFilters } = sent;
  const groups = useQuery({
    queryKey: ['alerts', 'groups', groupFilters],
    queryFn: () =>
      request<z.infer<typeof AlertGroupList>>(`/alerts/groups${query({ ...groupFilters })}`),
  });
  const apply = (next: Partial<typeof filters>) => {
    setSelected([]);
    const merged = { ...filters, before: '', ...next };
    setParams(Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== '')));
  };

  return (
    <>
      <h1>Alerts</h1>
      <FilterForm key={JSON.stringify(filters)} filters={filters} onApply={apply} />
      <section aria-labelledby="groups-heading" className="panel">
        <h2 id="groups-heading">Similar alerts</h2>
        <p className="muted">
          Same source and the same alert rule (its alertname, class or service label; otherwise the
          same dedup key).
        </p>
        <QueryState query={groups} what="groups">
          {(data) =>
            data.items.length === 0 ? (
              <Empty>No groups.</Empty>
            ) : (
              <ul data-testid="alert-groups">
                {data.items.map((g) => (
                  <li key={g.sourceId + g.similarKey}>
                    <button
                      type="button"
                      className="link"
                      onClick={() => apply({ sourceId: g.sourceId, similarKey: g.similarKey })}
                    >
                      {g.similarKey}
                    </button>{' '}
                    from {g.sourceName}: {g.count === 1 ? '1 alert' : `${g.count} alerts`}
                  </li>
                ))}
              </ul>
            )
          }
        </QueryState>
      </section>
      {can('alerts.triage') ? (
        <TriageActions selected={selected} onDone={() => setSelected([])} />
      ) : null}
      <QueryState query={alerts} what="alerts">
        {(data) =>
          data.items.length === 0 ? (
            <Empty>No alerts match these filters.</Empty>
          ) : (
            <>
              <AlertTable
                alerts={data.items}
                selectable={can('alerts.triage')}
                selected={selected}
                onSelect={setSelected}
              />
              {data.nextBefore ? (
                <Pager label="Pages of alerts">
                  <button
                    type="button"
                    className="link"
                    onClick={() => apply({ ...filters, before: data.nextBefore ?? '' })}
                  >
                    Older alerts →
                  </button>
                </Pager>
              ) : null}
            </>
          )
        }
      </QueryState>
      <TuningProposals />
    </>
  );
}

/**
 * What marking noise proposes: tune the detection rule behind it, one proposal per rule, with how
 * many alerts and the reasons given (text from people: shown as text).
 */
function TuningProposals() {
  const proposals = useQuery({
    queryKey: ['alerts', 'tuning-proposals'],
    queryFn: () => request<z.infer<typeof TuningProposalList>>('/alerts/tuning-proposals'),
  });
  return (
    <section aria-labelledby="tuning-heading" className="panel">
      <h2 id="tuning-heading">Proposed: tune the detection rule</h2>
      <p className="muted">
        Each detection rule whose alerts were marked as noise, with why: a follow-up for whoever
        looks after the monitoring.
      </p>
      <QueryState query={proposals} what="tuning proposals">
        {(data) =>
          data.items.length === 0 ? (
            <Empty>No alert has been marked as noise.</Empty>
          ) : (
            <ul data-testid="tuning-proposals">
              {data.items.map((p) => (
                <li key={p.proposalId}>
                  <strong>{p.title}</strong>:{' '}
                  {p.alertCount === 1 ? '1 alert' : `${p.alertCount} alerts`} marked as noise, last{' '}
                  <Time value={p.lastMarkedAt} />.
                  <ul>
                    {p.reasons.map((r) => (
                      <li key={r.alertId}>
                        “{r.reason}”, <Time value={r.at} />
                      </li>
                    ))}
                  </ul>
                  <TuningAnswer proposal={p} />
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
    </section>
  );
}

type Proposal = z.infer<typeof TuningProposalList>['items'][number];
const DAY = 86_400_000;

/**
 * A proposal's answer: taken (a link to its follow-up) or declined (why); while it waits, those
 * who write follow-ups take it (owner among the staff, due date) or decline it (why).
 */
function TuningAnswer({ proposal: p }: { proposal: Proposal }) {
  const id = useId();
  const queryClient = useQueryClient();
  const mayAnswer = useCan()('learning.write');
  const [ownerId, setOwnerId] = useState('');
  const [due, setDue] = useState(() =>
    rfc3339ToLocal(new Date(Date.now() + 14 * DAY).toISOString()),
  );
  const base = `/alerts/tuning-proposals/${encodeURIComponent(p.proposalId)}`;
  const answer = useMutation({
    mutationFn: (step: { to: 'take' | 'decline'; body: Record<string, unknown> }) =>
      post(`${base}/${step.to}`, step.body),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['alerts', 'tuning-proposals'] }),
        queryClient.invalidateQueries({ queryKey: ['follow-ups'] }),
      ]),
  });
  if (p.status === 'taken' && p.answer?.followUpId) {
    return (
      <p>
        Taken:{' '}
        <Link
          to={`${consolePath.followUps()}#follow-up-${encodeURIComponent(p.answer.followUpId)}`}
        >
          its follow-up
        </Link>
        .
      </p>
    );
  }
  if (p.status === 'declined') {
    return <p>Declined: “{p.answer?.reason}”.</p>;
  }
  if (!mayAnswer) return null;
  return (
    <div className="answer">
      {answer.error ? <ErrorMessage error={answer.error} /> : null}
      <form
        aria-label={`Take “${p.title}” as a follow-up`}
        onSubmit={(event) => {
          event.preventDefault();
          answer.mutate({
            to: 'take',
            body: { dueAt: localToRfc3339(due) ?? '', ...(ownerId ? { ownerId } : {}) },
          });
        }}
      >
        <OwnerSelect
          id={id}
          value={ownerId}
          onChange={setOwnerId}
          first={{ value: '', label: 'Me' }}
        />
        <label htmlFor={`${id}-due`}>Due</label>
        <input
          id={`${id}-due`}
          type="datetime-local"
          required
          value={due}
          onChange={(e) => setDue(e.target.value)}
        />
        <button type="submit" disabled={answer.isPending}>
          Take
        </button>
      </form>
      <DeclineForm
        id={id}
        title={p.title}
        pending={answer.isPending}
        onDecline={(reason) => answer.mutate({ to: 'decline', body: { reason } })}
      />
    </div>
  );
}

function FilterForm({
  filters,
  onApply,
}: {
  filters: Record<(typeof FILTERS)[number], string>;
  onApply: (next: Partial<Record<(typeof FILTERS)[number], string>>) => void;
}) {
  const [draft, setDraft] = useState(filters);
  const sources = useQuery({
    queryKey: ['alert-sources'],
    queryFn: () => request<z.infer<typeof AlertSourceList>>('/alert-sources'),
    retry: false,
  });
  const set = (name: keyof typeof filters) => (e: { target: { value: string } }) =>
    setDraft({ ...draft, [name]: e.target.value });
  function submit(event: FormEvent) {
    event.preventDefault();
    onApply({ ...draft, similarKey: '' });
  }
  return (
    <form className="panel alert-filters" aria-label="Filter alerts" onSubmit={submit}>
      <label>
        Status{' '}
        <select value={draft.status} onChange={set('status')}>
          {ALERT_QUEUE_FILTERS.map((s) => (
            <option key={s} value={s}>
              {STATUS_WORDS[s]}
            </option>
          ))}
          <option value="all">Any status</option>
        </select>
      </label>{' '}
      <label>
        Severity{' '}
        <select value={draft.severity} onChange={set('severity')}>
          <option value="">Any severity</option>
          {ALERT_SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {humanize(s)}
            </option>
          ))}
        </select>
      </label>{' '}
      {sources.data ? (
        <label>
          Source{' '}
          <select value={draft.sourceId} onChange={set('sourceId')}>
            <option value="">Any source</option>
            {sources.data.items.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}{' '}
      <label>
        Search <input type="search" value={draft.q} onChange={set('q')} />
      </label>{' '}
      <label>
        Label (name=value) <input value={draft.label} onChange={set('label')} />
      </label>{' '}
      <button type="submit">Apply filters</button>
      {filters.similarKey ? (
        <p>
          Showing alerts similar by {filters.similarKey}.{' '}
          <button type="button" className="link" onClick={() => onApply({ similarKey: '' })}>
            Show all
          </button>
        </p>
      ) : null}
    </form>
  );
}

function AlertTable({
  alerts,
  selectable,
  selected,
  onSelect,
}: {
  alerts: Alert[];
  selectable: boolean;
  selected: string[];
  onSelect: (ids: string[]) => void;
}) {
  const toggle = (id: string, on: boolean) =>
    onSelect(on ? [...selected, id] : selected.filter((x) => x !== id));
  return (
    <DataTable
      testId="alert-queue"
      caption="Alerts, last seen first"
      columns={[
        ...(selectable ? ['Select'] : []),
        'Summary',
        'Status',
        'Severity',
        'Source',
        'Labels',
        'Last seen',
      ]}
    >
      {alerts.map((a) => (
        <tr key={a.id} data-alert={a.id}>
          {selectable ? (
            <td>
              <input
                type="checkbox"
                aria-label={`Select ${a.summary}`}
                checked={selected.includes(a.id)}
                onChange={(e) => toggle(a.id, e.target.checked)}
              />
            </td>
          ) : null}
          <th scope="row">
            {a.summary}
            {a.count > 1 ? <span className="muted"> ({a.count} times)</span> : null}
          </th>
          <td>
            {STATUS_WORDS[a.queueStatus]}
            {a.snoozedUntil && a.queueStatus === 'snoozed' ? (
              <>
                {' '}
                until <Time value={a.snoozedUntil} />
              </>
            ) : null}
            {a.noise ? <p className="muted">Noise: {a.noise.reason}</p> : null}
            {a.routing?.incidentId ? (
              <p>
                In an <Link to={consolePath.incident(a.routing.incidentId)}>incident</Link>
              </p>
            ) : null}
          </td>
          <td>{humanize(a.severity)}</td>
          <td>{a.sourceName}</td>
          <td>
            {Object.entries(a.labels)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ')}
          </td>
          <td>
            <Time value={a.lastSeenAt} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

type Action = 'open' | 'attach' | 'acknowledge' | 'snooze' | 'noise';

function TriageActions({ selected, onDone }: { selected: string[]; onDone: () => void }) {
  const client = useQueryClient();
  const [action, setAction] = useState<Action>('open');
  const [title, setTitle] = useState('');
  const [severity, setSeverity] = useState('');
  const [emergency, setEmergency] = useState('');
  const [incident, setIncident] = useState('');
  const [until, setUntil] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState('');
  const open = useOpenIncidents();
  const policy = usePolicy();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const alertIds = selected;
    try {
      if (action === 'open') {
        const r = await post<{ incident: { key: string } }>('/alerts/open-incident', {
          alertIds,
          ...(title.trim() ? { title } : {}),
          ...(severity ? { severity } : {}),
          ...(severity && emergency.trim() ? { severityOverride: { reason: emergency } } : {}),
        });
        setDone(`Opened ${r.incident.key} for ${alertIds.length} alerts.`);
      } else if (action === 'attach') {
        const r = await post<{ incident: { key: string } }>('/alerts/attach', {
          alertIds,
          incident,
        });
        setDone(`Attached ${alertIds.length} alerts to ${r.incident.key}.`);
      } else if (action === 'acknowledge') {
        await post('/alerts/acknowledge', { alertIds });
        setDone(`Acknowledged ${alertIds.length} alerts.`);
      } else if (action === 'snooze') {
        await post('/alerts/snooze', { alertIds, until: localToRfc3339(until) ?? '' });
        setDone(`Snoozed ${alertIds.length} alerts.`);
      } else {
        await post('/alerts/noise', { alertIds, reason });
        setDone(
          `Marked ${alertIds.length} alerts as noise; a follow-up to tune the rule is proposed.`,
        );
      }
      onDone();
      await client.invalidateQueries({ queryKey: ['alerts'] });
    } catch (e) {
      setError(e);
    }
  }

  return (
    <form className="panel" aria-label="Triage the selected alerts" onSubmit={submit}>
      <h2>
        Triage {selected.length === 1 ? '1 selected alert' : `${selected.length} selected alerts`}
      </h2>
      <label>
        Decision{' '}
        <select value={action} onChange={(e) => setAction(e.target.value as Action)}>
          <option value="open">Open an incident</option>
          <option value="attach">Attach to incident</option>
          <option value="acknowledge">Acknowledge</option>
          <option value="snooze">Snooze</option>
          <option value="noise">Mark as noise</option>
        </select>
      </label>{' '}
      {action === 'open' ? (
        <>
          <label>
            Incident title (optional){' '}
            <input value={title} onChange={(e) => setTitle(e.target.value)} />
          </label>{' '}
          <label>
            Classify as{' '}
            <select value={severity} onChange={(e) => setSeverity(e.target.value)}>
              <option value="">None yet (after verify &amp; reproduce)</option>
              {(policy.data?.severities ?? []).map((s) => (
                <option key={s.id} value={s.id}>
                  {s.id} · {s.name}
                </option>
              ))}
            </select>
          </label>{' '}
          {severity ? (
            <label>
              Emergency: why set it before a reproduction? (security lead){' '}
              <input value={emergency} onChange={(e) => setEmergency(e.target.value)} />
            </label>
          ) : null}
        </>
      ) : action === 'attach' ? (
        <label>
          Open incident{' '}
          <select value={incident} onChange={(e) => setIncident(e.target.value)} required>
            <option value="">Choose…</option>
            {(open.data ?? []).map((i) => (
              <option key={i.id} value={i.key}>
                {i.key}: {i.title}
              </option>
            ))}
          </select>
        </label>
      ) : action === 'snooze' ? (
        <label>
          Snooze until{' '}
          <input
            type="datetime-local"
            value={until}
            onChange={(e) => setUntil(e.target.value)}
            required
          />
        </label>
      ) : action === 'noise' ? (
        <label>
          Why is it noise? (recorded){' '}
          <textarea value={reason} onChange={(e) => setReason(e.target.value)} required />
        </label>
      ) : null}{' '}
      <button type="submit" disabled={selected.length === 0}>
        Apply to selected
      </button>
      <p role="status">{done}</p>
      <ErrorMessage error={error} />
    </form>
  );
}
