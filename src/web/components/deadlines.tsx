// A table of deadlines: what, for which incident or report, due when, who answers for it.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { consolePath } from '../../shared/domain/console-paths.ts';
import { post } from '../api.ts';
import { humanize } from '../format.ts';
import { keys, type Deadline } from '../queries.ts';
import { useCan } from '../session.tsx';
import { Countdown, ErrorMessage, Time } from './common.tsx';
import { TableWrap } from './data-table.tsx';

/** "Mark met…": closes a deadline by hand; the reason goes on the incident's or report's record. */
function MarkMet({ deadline }: { deadline: Deadline }) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const mark = useMutation({
    mutationFn: () => post(`/deadlines/${encodeURIComponent(deadline.id)}/met`, { reason }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.deadlines }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mark.mutate();
  };
  const id = `met-reason-${deadline.id}`;
  return (
    <details className="inline-action">
      <summary>Mark met…</summary>
      <form onSubmit={submit}>
        <label htmlFor={id}>Why is it met? (recorded)</label>
        <textarea id={id} required value={reason} onChange={(e) => setReason(e.target.value)} />
        <ErrorMessage error={mark.error} />
        <button type="submit" disabled={mark.isPending}>
          Mark met
        </button>
      </form>
    </details>
  );
}

export function DeadlineRows({
  items,
  testId,
  showMet = false,
}: {
  items: Deadline[];
  testId?: string;
  showMet?: boolean;
}) {
  const can = useCan();
  const canMark = can('deadlines.manage') && !showMet;
  return (
    <TableWrap label="Deadlines">
      <table data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">What</th>
            <th scope="col">For</th>
            <th scope="col">Due</th>
            <th scope="col">{showMet ? 'Met' : 'Time left'}</th>
            {canMark ? <th scope="col">Action</th> : null}
          </tr>
        </thead>
        <tbody>
          {items.map((d) => {
            return (
              <tr key={d.id} className={d.breached ? 'breached' : undefined}>
                <td>
                  {humanize(d.kind)}
                  {d.breached ? <span className="badge stopped">Breached</span> : null}
                  {d.status === 'paused' ? <span className="badge">Paused</span> : null}
                </td>
                <td>
                  {d.subjectKey ? (
                    <Link to={consolePath.subject({ type: d.subjectType, key: d.subjectKey })}>
                      {d.subjectKey}
                    </Link>
                  ) : (
                    humanize(d.subjectType)
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
                {canMark ? (
                  <td>
                    {d.status === 'pending' || d.status === 'paused' ? (
                      <MarkMet deadline={d} />
                    ) : null}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableWrap>
  );
}
