// /on-call, "On call" (issue 21, item 2): who is on call now on each schedule and until when, the
// next hand-offs, the overrides to come, the rotation (time zone, members in order), and a link
// to download one's own shifts as iCalendar, and the offline copy for those who respond; whoever manages schedules adds an override here
// (the person picker lists only the roles the policy makes eligible), removes one, and creates,
// changes or removes schedules (on-call-schedule-form.tsx). docs/on-call.md.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { Schedule, ScheduleList } from '../../shared/api/oncall.ts';
import { del, post, request } from '../api.ts';
import { DateTimeRange, Empty, ErrorMessage, QueryState, Time } from '../components/common.tsx';
import { DataTable } from '../components/data-table.tsx';
import { localToRfc3339 } from '../format.ts';
import { useCan, useSession } from '../session.tsx';
import { RemoveSchedule, ScheduleForm, useEligiblePeople } from './on-call-schedule-form.tsx';

type Shift = Schedule['next'][number];

const who = (person: { displayName: string | null }) => person.displayName ?? 'a former member';

/** A message said after a change, focused so a screen reader and the keyboard land on it. */
function useAnnouncement() {
  const [message, setMessage] = useState<string | null>(null);
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (message) ref.current?.focus();
  }, [message]);
  const view = (
    <p ref={ref} tabIndex={-1} role="status">
      {message}
    </p>
  );
  return { say: setMessage, view };
}

export function OnCallPage() {
  const session = useSession();
  const mayManage = useCan()('oncall.manage');
  const [creating, setCreating] = useState(false);
  const announcement = useAnnouncement();
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
      {useCan()('continuity.offline') ? (
        <p className="muted">
          For when Stopline itself is down: the policy, its runbooks and this contact tree with
          everyone&apos;s contact details, as one page to keep elsewhere (private: it holds personal
          data).{' '}
          <a href="/api/v1/continuity/offline-copy" download data-testid="offline-copy">
            Download the offline copy (HTML)
          </a>
        </p>
      ) : null}
      {announcement.view}
      {mayManage && !creating ? (
        <button type="button" onClick={() => setCreating(true)}>
          New schedule
        </button>
      ) : null}
      {creating ? (
        <ScheduleForm
          onDone={(message) => {
            setCreating(false);
            announcement.say(message);
          }}
        />
      ) : null}
      <QueryState query={list} what="schedules">
        {(data) =>
          data.items.length === 0 ? (
            <Empty>No on-call schedule yet. Admins and security leads create them.</Empty>
          ) : (
            data.items.map((s) => (
              <ScheduleSection key={s.id} schedule={s} onDone={announcement.say} />
            ))
          )
        }
      </QueryState>
    </>
  );
}

function ScheduleSection({
  schedule: s,
  onDone,
}: {
  schedule: Schedule;
  onDone: (message: string) => void;
}) {
  const headingId = `schedule-${s.id}`;
  const mayManage = useCan()('oncall.manage');
  const [changing, setChanging] = useState(false);
  const queryClient = useQueryClient();
  const removeOverride = useMutation({
    mutationFn: (overrideId: string) =>
      del(
        `/on-call/schedules/${encodeURIComponent(s.id)}/overrides/${encodeURIComponent(overrideId)}`,
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['on-call'] });
      onDone(`The override on ${s.name} is removed.`);
    },
  });
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
          columns={
            mayManage ? ['Who', 'From', 'To', 'Why', 'Actions'] : ['Who', 'From', 'To', 'Why']
          }
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
              {mayManage ? (
                <td>
                  <button
                    type="button"
                    className="secondary"
                    aria-label={`Remove the override of ${who(o.user)} from ${new Date(o.from).toLocaleString()}`}
                    onClick={() => removeOverride.mutate(o.id)}
                  >
                    Remove
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </DataTable>
      )}
      <ErrorMessage error={removeOverride.error} />
      {mayManage ? <OverrideForm schedule={s} /> : null}
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
      {mayManage && !changing ? (
        <div className="actions">
          <button type="button" className="secondary" onClick={() => setChanging(true)}>
            Change this schedule
          </button>{' '}
          <RemoveSchedule schedule={s} onDone={onDone} />
        </div>
      ) : null}
      {changing ? (
        <ScheduleForm
          schedule={s}
          onDone={(message) => {
            setChanging(false);
            onDone(message);
          }}
        />
      ) : null}
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
  const people = useEligiblePeople();
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
          {people.map((p) => (
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
