// Every deadline across incidents and reports: due in the next 24 hours, breached, and met.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { z } from 'zod';
import type { DeadlineMeasuresJson } from '../../shared/api/deadlines.ts';
import { request } from '../api.ts';
import { Empty, QueryState } from '../components/common.tsx';
import { DeadlineRows } from '../components/deadlines.tsx';
import { formatDuration, humanize } from '../format.ts';
import { keys, useDeadlines } from '../queries.ts';
import { TableWrap } from '../components/data-table.tsx';

type Measures = z.infer<typeof DeadlineMeasuresJson>;

const duration = (ms: number | null) => (ms === null ? '—' : formatDuration(ms));

/** How well the promises were kept over the last year, from the recorded events. */
function MeasuresView() {
  const measures = useQuery({
    queryKey: [...keys.deadlines, 'measures'],
    queryFn: () => request<Measures>('/deadlines/measures'),
  });
  return (
    <QueryState query={measures} what="measures">
      {(m) => (
        <>
          <h2>Time to acknowledge reports</h2>
          <p>
            Median {duration(m.timeToAcknowledge.medianMs)}, 90th percentile{' '}
            {duration(m.timeToAcknowledge.p90Ms)} over {m.timeToAcknowledge.count} reports.
          </p>
          <h2>Time to respond, per severity</h2>
          {Object.keys(m.timeToRespond).length === 0 ? (
            <Empty>No incident has had its first response yet.</Empty>
          ) : (
            <TableWrap label="Time to respond, per severity">
              <table data-testid="measures-respond">
                <thead>
                  <tr>
                    <th scope="col">Severity</th>
                    <th scope="col">Incidents</th>
                    <th scope="col">Median</th>
                    <th scope="col">90th percentile</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(m.timeToRespond).map(([severity, d]) => (
                    <tr key={severity}>
                      <td>{severity}</td>
                      <td>{d.count}</td>
                      <td>{duration(d.medianMs)}</td>
                      <td>{duration(d.p90Ms)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
          <h2>Deadlines met on time, per month</h2>
          {m.shareMet.length === 0 ? (
            <Empty>No deadline has come due yet.</Empty>
          ) : (
            <TableWrap label="Deadlines met on time, per month">
              <table data-testid="measures-share">
                <thead>
                  <tr>
                    <th scope="col">Month</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Met on time</th>
                  </tr>
                </thead>
                <tbody>
                  {m.shareMet.map((row) => (
                    <tr key={`${row.month}-${row.kind}`}>
                      <td>{row.month}</td>
                      <td>{humanize(row.kind)}</td>
                      <td>
                        {row.metOnTime} of {row.counted} ({Math.round(row.share * 100)} %)
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </>
      )}
    </QueryState>
  );
}

const VIEWS = {
  due_soon: 'Due in 24 hours',
  breached: 'Breached',
  met: 'Met',
  measures: 'Measures',
} as const;
type View = keyof typeof VIEWS;

export function DeadlinesPage() {
  const [view, setView] = useState<View>('due_soon');
  const state = view === 'measures' ? 'met' : view;
  const deadlines = useDeadlines({ state, withinMinutes: 24 * 60, limit: 500 });
  return (
    <>
      <h1>Deadlines</h1>
      <div role="group" aria-label="Which deadlines" className="tabs">
        {(Object.keys(VIEWS) as View[]).map((v) => (
          <button
            key={v}
            type="button"
            aria-pressed={view === v}
            onClick={() => setView(v)}
            className={view === v ? 'selected' : undefined}
          >
            {VIEWS[v]}
          </button>
        ))}
      </div>
      {view === 'measures' ? (
        <MeasuresView />
      ) : (
        <QueryState query={deadlines} what="deadlines">
          {(data) =>
            data.items.length === 0 ? (
              <Empty>No deadlines here.</Empty>
            ) : (
              <DeadlineRows
                items={data.items}

                testId={`deadlines-${view}`}
                showMet={view === 'met'}
              />
            )
          }
        </QueryState>
      )}
    </>
  );
}
