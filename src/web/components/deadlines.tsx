// A table of deadlines: what, for which incident or report, due when, who answers for it.
import { Link } from 'react-router';
import { humanize } from '../format.ts';
import { useIncidents, type Deadline } from '../queries.ts';
import { Countdown, Time } from './common.tsx';

/** Incident id → key, to link deadlines (which name their subject by id). */
export function useIncidentKeys(): Map<string, string> {
  const incidents = useIncidents({ limit: 100 });
  return new Map((incidents.data?.items ?? []).map((i) => [i.id, i.key]));
}

export function DeadlineRows({
  items,
  incidentKeys,
  testId,
  showMet = false,
}: {
  items: Deadline[];
  incidentKeys: Map<string, string>;
  testId?: string;
  showMet?: boolean;
}) {
  return (
    <div className="table-wrap">
      <table data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">What</th>
            <th scope="col">For</th>
            <th scope="col">Due</th>
            <th scope="col">{showMet ? 'Met' : 'Time left'}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((d) => {
            const key = d.subjectType === 'incident' ? incidentKeys.get(d.subjectId) : undefined;
            return (
              <tr key={d.id} className={d.breached ? 'breached' : undefined}>
                <td>
                  {humanize(d.kind)}
                  {d.breached ? <span className="badge stopped">Breached</span> : null}
                  {d.status === 'paused' ? <span className="badge">Paused</span> : null}
                </td>
                <td>
                  {d.subjectType === 'incident' ? (
                    key ? (
                      <Link to={`/incidents/${encodeURIComponent(key)}`}>{key}</Link>
                    ) : (
                      'An incident'
                    )
                  ) : (
                    <Link to={`/reports/${encodeURIComponent(d.subjectId)}`}>Report</Link>
                  )}
                </td>
                <td>
                  <Time value={d.dueAt} />
                </td>
                <td>
                  {showMet ? (
                    <>
                      <Time value={d.metAt} />
                      {d.metReason ? <span className="muted"> — {d.metReason}</span> : null}
                    </>
                  ) : (
                    <Countdown due={d.dueAt} />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
