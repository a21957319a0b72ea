// What is burning, what is due, what is mine: open incidents by severity with their next deadline,
// reports waiting for acknowledgment, breached and soon-due deadlines, my open tasks.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { DASHBOARD_FIRST_CARDS, DASHBOARD_QUERIES } from '../../shared/domain/dashboard.ts';
import type { ReportQueue } from '../../shared/api/reports.ts';
import type { z } from 'zod';
import type { TaskList } from '../../shared/api/tasks.ts';
import { query, request } from '../api.ts';
import {
  Countdown,
  Empty,
  ExerciseBadge,
  QueryState,
  SeverityBadge,
} from '../components/common.tsx';
import { DeadlineRows } from '../components/deadlines.tsx';
import { useNow } from '../clock.ts';
import { formatDuration, formatTime, humanize, toMs } from '../format.ts';
import {
  keys,
  useDeadlines,
  useOpenIncidents,
  usePolicy,
  type Deadline,
  type IncidentSummary,
} from '../queries.ts';
import { useCan } from '../session.tsx';
import { BreachClocks } from './breaches/breach-clocks.tsx';
import { useStaff } from './incidents/incident-data.ts';
import { PagesForMe } from './pages-for-me.tsx';
import { NeedsYou } from './needs-you.tsx';
import { consolePath } from '../../shared/domain/console-paths.ts';

/** The earliest open deadline per subject id. */
function nextDeadlineBySubject(items: Deadline[] | undefined): Map<string, Deadline> {
  const next = new Map<string, Deadline>();
  for (const d of items ?? []) {
    if (d.status !== 'pending') continue;
    const current = next.get(d.subjectId);
    if (!current || toMs(d.dueAt) < toMs(current.dueAt)) next.set(d.subjectId, d);
  }
  return next;
}

/** How long the incident has been open, ticking: "Open 2 h 5 min". */
function Age({ since }: { since: string | number }) {
  const now = useNow();
  return (
    <span className="muted" data-testid="card-age">
      Open{' '}
      <time dateTime={new Date(toMs(since)).toISOString()} title={formatTime(since)}>
        {formatDuration(Math.max(0, now - toMs(since)))}
      </time>
    </span>
  );
}

function IncidentCard({
  incident: i,
  due,
  phase,
  owner,
  n,
}: {
  incident: IncidentSummary;
  due: Deadline | undefined;
  phase: string;
  owner: string | null;
  /** Its place among the cards shown (for the focus after "Show more"). */
  n: number;
}) {
  return (
    <li className="card" data-n={n}>
      <Link to={consolePath.incident(i.key)}>
        <strong>{i.key}</strong> {i.title}
      </Link>
      <div className="meta">
        <ExerciseBadge kind={i.exerciseKind} />
        <span data-testid="card-phase">{phase}</span>
        {i.lineStopped ? <span className="badge stopped">Line stopped</span> : null}
        {i.restricted ? <span className="badge">Restricted</span> : null}
      </div>
      <div className="meta">
        {owner !== null ? (
          <span data-testid="card-owner">Owner: {owner}</span>
        ) : (
          <span className="badge warn" data-testid="card-owner">
            No owner
          </span>
        )}
        <Age since={i.declaredAt} />
      </div>
      {due ? (
        <div className="meta">
          Next: {humanize(due.kind)} <Countdown due={due.dueAt} />
        </div>
      ) : null}
    </li>
  );
}

function OpenIncidents() {
  const policy = usePolicy();
  const { nameOf } = useStaff();
  const incidents = useOpenIncidents();
  const open = useDeadlines(DASHBOARD_QUERIES.nextDeadlines);
  const [shown, setShown] = useState(DASHBOARD_FIRST_CARDS);
  // After "Show more", the first card it added takes the focus (the button may be gone).
  const firstAdded = useRef<number | null>(null);
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (firstAdded.current === null) return;
    list.current?.querySelector<HTMLElement>(`li[data-n="${firstAdded.current}"] > a`)?.focus();
    firstAdded.current = null;
  }, [shown]);
  const next = useMemo(() => nextDeadlineBySubject(open.data?.items), [open.data]);
  const order = useMemo(() => (policy.data?.severities ?? []).map((s) => s.id), [policy.data]);
  // The policy's own name for the phase ("Detection & analysis"), not its id.
  const phases = useMemo(
    () => new Map((policy.data?.phases ?? []).map((p) => [p.id, p.name])),
    [policy.data],
  );

  return (
    <section aria-labelledby="open-incidents">
      <h2 id="open-incidents">Open incidents</h2>
      <QueryState query={incidents} what="incidents">
        {(active) => {
          if (active.length === 0) return <Empty>No open incidents.</Empty>;
          const rank = (s: string) => (s === '' ? order.length : order.indexOf(s));
          const groups = new Map<string, IncidentSummary[]>();
          for (const i of active) {
            const key = i.severity ?? '';
            const group = groups.get(key);
            if (group) group.push(i);
            else groups.set(key, [i]);
          }
          // Most severe first; only the first `shown` cards are rendered, group by group.
          let left = shown;
          let n = 0;
          const visible = [...groups.entries()]
            .sort(([a], [b]) => rank(a) - rank(b))
            .map(([severity, items]) => {
              const cards = items.slice(0, Math.max(0, left));
              left -= cards.length;
              return { severity, items, cards };
            })
            .filter((g) => g.cards.length > 0);
          const count = Math.min(shown, active.length);
          return (
            <div ref={list}>
              {visible.map(({ severity, items, cards }) => (
                <div key={severity} className="group">
                  <h3>
                    <SeverityBadge severity={severity || null} />{' '}
                    <span className="muted">
                      ({cards.length < items.length ? `${cards.length} of ` : ''}
                      {items.length})
                    </span>
                  </h3>
                  <ul className="cards" data-testid={`incidents-${severity || 'none'}`}>
                    {cards.map((i) => (
                      <IncidentCard
                        key={i.id}
                        n={n++}
                        incident={i}
                        due={next.get(i.id)}
                        phase={phases.get(i.phase) ?? i.phase}
                        owner={i.ownerId ? nameOf(i.ownerId) : null}
                      />
                    ))}
                  </ul>
                </div>
              ))}
              {count < active.length ? (
                <p className="more">
                  <span role="status" data-testid="incidents-shown">
                    Showing {count} of {active.length} open incidents.
                  </span>{' '}
                  <button
                    type="button"
                    onClick={() => {
                      firstAdded.current = count;
                      setShown(count + DASHBOARD_FIRST_CARDS);
                    }}
                  >
                    Show {Math.min(DASHBOARD_FIRST_CARDS, active.length - count)} more
                  </button>{' '}
                  <Link to="/incidents">All incidents</Link>
                </p>
              ) : null}
            </div>
          );
        }}
      </QueryState>
    </section>
  );
}

function ReportsAwaiting() {
  const reports = useQuery({
    queryKey: keys.reportsAwaiting,
    queryFn: () => request<ReportQueue>(`/reports${query(DASHBOARD_QUERIES.reportsAwaiting)}`),
  });
  return (
    <section aria-labelledby="reports-awaiting">
      <h2 id="reports-awaiting">Reports awaiting acknowledgment</h2>
      <QueryState query={reports} what="reports">
        {(data) =>
          data.reports.length === 0 ? (
            <Empty>Every report has been acknowledged.</Empty>
          ) : (
            <ul className="cards" data-testid="reports-awaiting">
              {data.reports.map((r) => (
                <li key={r.key} className="card">
                  <Link to={consolePath.report(r.key)}>
                    <strong>{r.key}</strong> {r.summary}
                  </Link>
                  {r.acknowledgeDueAt ? (
                    <div className="meta">
                      Acknowledge <Countdown due={r.acknowledgeDueAt} />
                    </div>
                  ) : null}
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
    </section>
  );
}

function DueDeadlines() {
  const breached = useDeadlines(DASHBOARD_QUERIES.breachedDeadlines);
  const soon = useDeadlines(DASHBOARD_QUERIES.dueSoonDeadlines);
  return (
    <section aria-labelledby="due">
      <h2 id="due">Deadlines</h2>
      <h3>Breached</h3>
      <QueryState query={breached} what="breached deadlines">
        {(data) =>
          data.items.length === 0 ? (
            <Empty>Nothing breached.</Empty>
          ) : (
            <DeadlineRows items={data.items} testId="breached" />
          )
        }
      </QueryState>
      <h3>Due in the next 4 hours</h3>
      <QueryState query={soon} what="deadlines due soon">
        {(data) =>
          data.items.length === 0 ? (
            <Empty>Nothing due in the next 4 hours.</Empty>
          ) : (
            <DeadlineRows items={data.items} testId="due-soon" />
          )
        }
      </QueryState>
    </section>
  );
}

function MyTasks() {
  const tasks = useQuery({
    queryKey: keys.myTasks,
    queryFn: () => request<z.infer<typeof TaskList>>(`/tasks${query(DASHBOARD_QUERIES.myTasks)}`),
  });
  return (
    <section aria-labelledby="my-tasks">
      <h2 id="my-tasks">My tasks</h2>
      <QueryState query={tasks} what="tasks">
        {(data) =>
          data.items.length === 0 ? (
            <Empty>No open tasks assigned to you.</Empty>
          ) : (
            <ul className="cards" data-testid="my-tasks">
              {data.items.map((t) => (
                <li key={t.id} className="card">
                  <Link to={`${consolePath.incident(t.incidentKey)}#task-${t.id}`}>{t.title}</Link>
                  <div className="meta">
                    {t.incidentKey} · {humanize(t.type)} · {humanize(t.status)}
                    {t.dueAt ? (
                      <>
                        {' '}
                        · due <Countdown due={t.dueAt} />
                      </>
                    ) : null}
                  </div>
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
    </section>
  );
}

export function DashboardPage() {
  const can = useCan();
  return (
    <>
      <h1>Dashboard</h1>
      {can('account.manage_own') ? <PagesForMe /> : null}
      {can('incidents.read') ? <NeedsYou /> : null}
      <div className="dashboard">
        {can('incidents.read') ? <OpenIncidents /> : null}
        {can('reports.read') ? <ReportsAwaiting /> : null}
        {can('deadlines.read') ? <DueDeadlines /> : null}
        {can('incidents.read') ? <MyTasks /> : null}
        {can('breach.read') ? <BreachClocks /> : null}
      </div>
    </>
  );
}
