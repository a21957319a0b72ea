// /on-call, "On call" (issue 21, item 2): who is on call now on each schedule and until when, the
// next hand-offs, the overrides to come, the rotation (time zone, members in order), and a link
// to download one's own shifts as iCalendar; whoever manages schedules adds an override here
// (the person picker lists only the roles the policy makes eligible). Schedules themselves are
// kept through the API (docs/on-call.md).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent } from 'react';
import type { Schedule, ScheduleList } from '../../shared/api/oncall.ts';
import { post, request } from '../api.ts';
import { DateTimeRange, Empty, ErrorMessage, QueryState, Time } from '../components/common.tsx';
import { DataTable } from '../components/data-table.tsx';
import { localToRfc3339 } from '../format.ts';
import { usePolicy } from '../queries.ts';
import { useCan, useSession } from '../session.tsx';
import { useStaff } from './incidents/incident-data.ts';

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
      {useCan()('oncall.manage') ? <OverrideForm schedule={s} /> : null}
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

/** Someone covers a range: the people the policy makes eligible, the range in local time. */
function OverrideForm({ schedule }: { schedule: Schedule }) {
  const id = useId();
  const queryClient = useQueryClient();
  const { people } = useStaff();
  const eligible = usePolicy().data?.notices.onCall.eligibleRoles ?? [];
  const [userId, setUserId] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const result = useRef<HTMLParagraphElement>(null);
  const add = useMutation({
    mutationFn: () =>
      post(`/on-call/schedules/${encodeURIComponent(schedule.id)}/overrides`, {
        userId,
        from: localToRfc3339(from),
        to: localToRfc3339(to),
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['on-call'] });
      setDone(`The override on ${schedule.name} is added.`);
      result.current?.focus();
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    setDone(null);
    add.mutate();
  }
  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Add an override</h3>
      <form onSubmit={submit}>
        <label htmlFor={`${id}-who`}>Who covers</label>
        <select
          id={`${id}-who`}
          required
          value={userId}
          onChange={(e) => setUserId(e.target.value)}
        >
          <option value="">Choose a person</option>
          {people
            .filter((p) => p.roles.some((r) => eligible.includes(r)))
            .map((p) => (
              <option key={p.id} value={p.id}>
                {p.displayName}
              </option>
            ))}
        </select>
        <DateTimeRange
          id={id}
          labels={['From', 'To']}
          from={from}
          until={to}
          onFrom={setFrom}
          onUntil={setTo}
        />
        <ErrorMessage error={add.error} />
        <button type="submit" disabled={add.isPending}>
          Add the override
        </button>
      </form>
      <p ref={result} tabIndex={-1} role="status">
        {done}
      </p>
    </section>
  );
}
