// Every deadline across incidents and reports: due in the next 24 hours, breached, and met.
import { useState } from 'react';
import { Empty, QueryState } from '../components/common.tsx';
import { DeadlineRows, useIncidentKeys } from '../components/deadlines.tsx';
import { useDeadlines } from '../queries.ts';

const VIEWS = {
  due_soon: 'Due in 24 hours',
  breached: 'Breached',
  met: 'Met',
} as const;
type View = keyof typeof VIEWS;

export function DeadlinesPage() {
  const [view, setView] = useState<View>('due_soon');
  const deadlines = useDeadlines({ state: view, withinMinutes: 24 * 60, limit: 500 });
  const incidentKeys = useIncidentKeys();
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
      <QueryState query={deadlines} what="deadlines">
        {(data) =>
          data.items.length === 0 ? (
            <Empty>No deadlines here.</Empty>
          ) : (
            <DeadlineRows
              items={data.items}
              incidentKeys={incidentKeys}
              testId={`deadlines-${view}`}
              showMet={view === 'met'}
            />
          )
        }
      </QueryState>
    </>
  );
}
