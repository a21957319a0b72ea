// /on-call, "On call" (issue 21, item 2): who is on call now on each schedule and until when, the
// next hand-offs, the overrides to come, the rotation (time zone, members in order), and a link
// to download one's own shifts as iCalendar. Schedules are kept through the API
// (docs/on-call.md); this page reads them.
import { useQuery } from '@tanstack/react-query';
import type { Schedule, ScheduleList } from '../../shared/api/oncall.ts';
import { request } from '../api.ts';
import { Empty, QueryState, Time } from '../components/common.tsx';
import { DataTable } from '../components/data-table.tsx';
import { useSession } from '../session.tsx';

type Shift = Schedule['next'][number];

const who = (person: { displayName: string | null }) => person.displayName ?? 'a former member';

export function OnCallPage() {
  const session = useSession();
  const list = useQuery({
    queryKey: ['on-call'],
    queryFn: () => request<ScheduleList>('/on-call'),
  });
  return (
    <>
      <h1>On call</h1>
      <p className="muted">
        Who is on call now on each schedule, and who takes over next. An override (someone covering
        a range) wins over the rotation.{' '}
        <a
          href={`/api/v1/on-call/people/${encodeURIComponent(session.user.id)}/shifts.ics`}
          download="on-call.ics"
        >
          Download my shifts (iCalendar)
        </a>
      </p>
      <QueryState query={list} what="schedules">
        {(data) =>
          data.items.length === 0 ? (
            <Empty>No on-call schedule yet. Admins and security leads create them.</Empty>
          ) : (
            data.items.map((s) => <ScheduleSection key={s.id} schedule={s} />)
          )
        }
      </QueryState>
    </>
  );
}

function ScheduleSection({ schedule: s }: { schedule: Schedule }) {
  const headingId = `schedule-${s.id}`;
  return (
    <section aria-labelledby={headingId} className="card" data-testid="on-call-schedule">
      <h2 id={headingId}>{s.name}</h2>
      <p data-testid="on-call-now">
        {s.now ? (
          <>
            <strong>{who(s.now.user)}</strong> is on call now, until <Time value={s.now.to} />
            {s.now.source === 'override' ? ' (covering: an override)' : null}.
          </>
        ) : (
          'Nobody is on call on this schedule now: its rotation has not started.'
        )}
      </p>
      <HandOffs shifts={s.next} caption={`Next hand-offs on ${s.name}`} />
      <h3>Overrides</h3>
      {s.overrides.length === 0 ? (
        <p className="muted">No override to come.</p>
      ) : (
        <DataTable
          caption={`Overrides on ${s.name}`}
          hideCaption
          columns={['Who', 'From', 'To', 'Why']}
        >
          {s.overrides.map((o) => (
            <tr key={o.id}>
              <td>{who(o.user)}</td>
              <td>
                <Time value={o.from} />
              </td>
              <td>
                <Time value={o.to} />
              </td>
              <td>{o.reason ?? ''}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <h3>Rotation</h3>
      <p>
        Hand-offs in {s.rotation.timeZone}:{' '}
        {s.rotation.shifts
          .map((p) => `${p.day > 0 ? `day ${p.day} ` : ''}${p.start} for ${p.length}`)
          .join(', then ')}
        , from {s.rotation.startsOn}. Members in turn:
      </p>
      <ol>
        {s.rotation.members.map((m) => (
          <li key={m.id}>{who(m)}</li>
        ))}
      </ol>
    </section>
  );
}

function HandOffs({ shifts, caption }: { shifts: Shift[]; caption: string }) {
  if (shifts.length === 0) return <p className="muted">No hand-off to come.</p>;
  return (
    <DataTable caption={caption} columns={['From', 'To', 'Who', 'Why']} testId="on-call-next">
      {shifts.map((n) => (
        <tr key={`${n.from}-${n.user.id}`}>
          <td>
            <Time value={n.from} />
          </td>
          <td>
            <Time value={n.to} />
          </td>
          <td>{who(n.user)}</td>
          <td>{n.source === 'override' ? 'Override' : 'Rotation'}</td>
        </tr>
      ))}
    </DataTable>
  );
}
