// The legal role's dashboard panel: every stage of every breach still to be submitted, soonest
// first, and the records still only suspected; read from the register (breach.read).
import { queryOptions, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { request } from '../../api.ts';
import { Countdown, Empty, QueryState } from '../../components/common.tsx';
import { toMs } from '../../format.ts';
import { keys } from '../../queries.ts';
import { consolePath } from '../../../shared/domain/console-paths.ts';

interface RegisterEntry {
  incidentKey: string;
  breachId: string;
  status: string;
  openedAt: string;
  awareAt: string | null;
  riskLevel: string | null;
  determinations: { kind: string; value: boolean; rationale: string }[];
  regimes: {
    regimeId: string;
    applies: boolean | null;
    reason: string | null;
    stages: { stageId: string; dueAt: string | null; submittedAt: string | null; late: boolean }[];
  }[];
}

/** The breach register (breach.read); dashboard-boot.ts starts it with the dashboard. */
export const registerQuery = queryOptions({
  queryKey: [...keys.breach, 'register'],
  queryFn: () => request<{ breaches: RegisterEntry[] }>('/breaches/register?format=json'),
});

export function useRegister() {
  return useQuery(registerQuery);
}

/** The legal role's dashboard: every stage of every breach still to be submitted, soonest first. */
export function BreachClocks() {
  const register = useRegister();
  return (
    <section aria-labelledby="breach-clocks">
      <h2 id="breach-clocks">Breach clocks</h2>
      <QueryState query={register} what="breach clocks">
        {(data) => {
          const due = data.breaches
            .filter((b) => b.status !== 'not_a_breach' && b.status !== 'closed')
            .flatMap((b) =>
              b.regimes.flatMap((r) =>
                r.stages
                  .filter((s) => s.dueAt !== null && s.submittedAt === null)
                  .map((s) => ({
                    key: b.incidentKey,
                    ref: `${r.regimeId}.${s.stageId}`,
                    due: s.dueAt!,
                  })),
              ),
            )
            .sort((a, b) => toMs(a.due) - toMs(b.due));
          const undecided = data.breaches.filter((b) => b.status === 'suspected');
          return (
            <>
              {due.length === 0 ? <Empty>No breach stage is due.</Empty> : null}
              <ul data-testid="breach-clocks-list">
                {due.map((d) => (
                  <li key={`${d.key}.${d.ref}`}>
                    <Link to={consolePath.incident(d.key)}>{d.key}</Link> {d.ref}{' '}
                    <Countdown due={d.due} />
                  </li>
                ))}
              </ul>
              {undecided.length > 0 ? (
                <p>
                  Suspected, waiting for the legal role:{' '}
                  {undecided.map((b, i) => (
                    <span key={b.breachId}>
                      {i > 0 ? ', ' : ''}
                      <Link to={consolePath.incident(b.incidentKey)}>{b.incidentKey}</Link>
                    </span>
                  ))}
                </p>
              ) : null}
              <p>
                <Link to={consolePath.breaches()}>The breach register</Link>
              </p>
            </>
          );
        }}
      </QueryState>
    </section>
  );
}
