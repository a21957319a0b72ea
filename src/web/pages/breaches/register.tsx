// The breach register for the legal role (breach.read): every breach record, notified or not,
// with its decisions, each regime's applicability and stage clocks; exports as CSV and JSON for
// the authority.
import { Link } from 'react-router';
import { Empty, QueryState, Time } from '../../components/common.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { humanize } from '../../format.ts';
import { consolePath } from '../../../shared/domain/console-paths.ts';
import { useRegister } from './breach-clocks.tsx';

export function BreachRegisterPage() {
  const register = useRegister();
  return (
    <>
      <h1>Breach register</h1>
      <p>
        Every personal-data breach, notified or not, with the decisions and their reasons. Export:{' '}
        <a href="/api/v1/breaches/register?format=csv" download>
          CSV
        </a>{' '}
        ·{' '}
        <a href="/api/v1/breaches/register?format=json" download>
          JSON
        </a>
      </p>
      <QueryState query={register} what="the register">
        {(data) =>
          data.breaches.length === 0 ? (
            <Empty>No breach records.</Empty>
          ) : (
            <DataTable
              testId="breach-register"
              caption="Breach records, oldest first"
              columns={['Incident', 'Status', 'Aware', 'Risk', 'Regimes']}
            >
              {data.breaches.map((b) => (
                <tr key={b.breachId}>
                  <th scope="row">
                    <Link to={consolePath.incident(b.incidentKey)}>{b.incidentKey}</Link>
                  </th>
                  <td>{humanize(b.status)}</td>
                  <td>
                    <Time value={b.awareAt} />
                  </td>
                  <td>{b.riskLevel ? humanize(b.riskLevel) : 'Not assessed'}</td>
                  <td>
                    {b.regimes.map((r) => (
                      <p key={r.regimeId}>
                        {r.regimeId}:{' '}
                        {r.applies === null
                          ? 'undecided'
                          : r.applies
                            ? r.stages
                                .map(
                                  (s) =>
                                    `${s.stageId} ${s.submittedAt ? (s.late ? 'submitted late' : 'submitted') : 'open'}`,
                                )
                                .join(', ')
                            : `not notifiable (${r.reason ?? ''})`}
                      </p>
                    ))}
                  </td>
                </tr>
              ))}
            </DataTable>
          )
        }
      </QueryState>
    </>
  );
}
