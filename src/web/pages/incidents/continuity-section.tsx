// The manual fallback (Kai section 7): the policy's continuity procedures that cover a system the
// incident affects, as a checklist. Ticking a step records who did it and when on the incident;
// unticking asks why. Shown only when a procedure covers one of the incident's affected systems.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { ContinuityChecklist } from '../../../shared/api/incidents.ts';
import { request } from '../../api.ts';
import { ErrorMessage, Time } from '../../components/common.tsx';
import { keys } from '../../queries.ts';
import { useStaff, type SectionProps } from './incident-data.ts';
import { Submit, TextInput } from './incident-parts.tsx';

type Mark = { procedureId: string; step: number; reason?: string };

export function ContinuitySection({ detail, rights }: SectionProps) {
  const { key } = detail.incident;
  const base = `/incidents/${encodeURIComponent(key)}/continuity`;
  const queryKey = [...keys.incident(key), 'continuity'];
  const queryClient = useQueryClient();
  const { nameOf } = useStaff();
  const checklist = useQuery({
    queryKey,
    queryFn: () => request<ContinuityChecklist>(base),
  });
  const mark = useMutation({
    mutationFn: ({ procedureId, step, reason }: Mark) =>
      request<ContinuityChecklist>(
        `${base}/${encodeURIComponent(procedureId)}/steps/${step}/${reason === undefined ? 'tick' : 'untick'}`,
        { method: 'POST', body: reason === undefined ? {} : { reason } },
      ),
    onSuccess: (answer) => {
      queryClient.setQueryData(queryKey, answer);
      setUntick(null);
      setReason('');
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.incident(key) }),
  });
  const [untick, setUntick] = useState<{ procedureId: string; step: number } | null>(null);
  const [reason, setReason] = useState('');
  if (!checklist.data || checklist.data.procedures.length === 0) return null;
  const submitUntick = (e: FormEvent) => {
    e.preventDefault();
    if (untick) mark.mutate({ ...untick, reason });
  };
  const change = { error: mark.error, conflict: false, pending: mark.isPending };
  return (
    <section aria-labelledby="continuity-heading" className="panel" data-testid="continuity">
      <h2 id="continuity-heading">Manual fallback</h2>
      {checklist.data.procedures.map((p) => (
        <div key={p.id} className="continuity-procedure">
          <h3 id={`continuity-${p.id}`}>{p.title}</h3>
          <p className="muted">
            Covers {p.matched.join(', ')}
            {p.stakeholders.length > 0 ? ` · Keep updated: ${p.stakeholders.join(', ')}` : ''}
          </p>
          <ol className="checklist" aria-labelledby={`continuity-${p.id}`}>
            {p.steps.map((s) => {
              const opened = untick?.procedureId === p.id && untick.step === s.step;
              return (
                <li key={s.step}>
                  <label>
                    <input
                      type="checkbox"
                      checked={s.done !== null}
                      disabled={!rights.record || mark.isPending}
                      onChange={() =>
                        s.done
                          ? setUntick({ procedureId: p.id, step: s.step })
                          : mark.mutate({ procedureId: p.id, step: s.step })
                      }
                    />{' '}
                    {s.text}
                  </label>
                  {s.done ? (
                    <p className="muted">
                      Done by {nameOf(s.done.by)} · <Time value={s.done.at} />
                    </p>
                  ) : null}
                  {opened ? (
                    <form onSubmit={submitUntick} aria-label={`Untick step ${s.step}`}>
                      <TextInput
                        label={`Why is step ${s.step} not done?`}
                        required
                        maxLength={2000}
                        value={reason}
                        onChange={setReason}
                      />
                      <Submit change={change}>Untick</Submit>{' '}
                      <button type="button" className="secondary" onClick={() => setUntick(null)}>
                        Keep it ticked
                      </button>
                    </form>
                  ) : null}
                </li>
              );
            })}
          </ol>
        </div>
      ))}
      {untick ? null : <ErrorMessage error={mark.error} />}
    </section>
  );
}
