// "Needs you": what the signed-in person must do now across the open incidents they take part in
// (their votes, tasks, the roles to fill, blockers, role duties), as the server derives it; near
// the top of the dashboard. Under the incidents' query prefix, so live updates refresh it.
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { NextStepList } from '../../shared/api/incidents.ts';
import { consolePath } from '../../shared/domain/console-paths.ts';
import { request } from '../api.ts';
import { Empty, QueryState, SeverityBadge } from '../components/common.tsx';
import { keys } from '../queries.ts';

export function NeedsYou() {
  const steps = useQuery({
    queryKey: keys.nextSteps,
    queryFn: () => request<NextStepList>('/next-steps'),
  });
  return (
    <section aria-labelledby="needs-you">
      <h2 id="needs-you">Needs you</h2>
      <QueryState query={steps} what="your next steps">
        {(data) =>
          data.items.length === 0 ? (
            <Empty>Nothing on your incidents waits for you.</Empty>
          ) : (
            <ul className="cards" data-testid="needs-you">
              {data.items.map((i) => (
                <li key={i.key} className="card">
                  <Link to={consolePath.incident(i.key)}>
                    {i.key} {i.title}
                  </Link>{' '}
                  <SeverityBadge severity={i.severity} />
                  <ul>
                    {i.steps.slice(0, 3).map((s, n) => (
                      <li key={`${s.kind}-${s.taskId ?? n}`}>{s.text}</li>
                    ))}
                    {i.steps.length > 3 ? (
                      <li className="muted">and {i.steps.length - 3} more</li>
                    ) : null}
                  </ul>
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
    </section>
  );
}
