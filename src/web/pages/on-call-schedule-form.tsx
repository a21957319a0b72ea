// Creating and changing an on-call schedule in the console (oncall.manage; issue 21, item 2): a
// name, the hand-off times' time zone (a list, never typed), the pattern's first day, the shifts
// of the pattern (hand-off time, length, the pattern's day) and the members in the order they take
// the shifts (added from the people the policy makes eligible, moved up or down). The server
// checks the pattern (no gap, no overlap, whole days) and names the field of a refusal, which the
// form shows in words. Removing a schedule asks to confirm. docs/on-call.md.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent } from 'react';
import type { Schedule } from '../../shared/api/oncall.ts';
import { del, patch, post } from '../api.ts';
import { browserTimeZone, ErrorMessage, TimeZoneSelect } from '../components/common.tsx';
import { usePolicy } from '../queries.ts';
import { useStaff } from './incidents/incident-data.ts';

interface ShiftDraft {
  day: string;
  start: string;
  length: string;
}

/** The people the policy's onCall.eligibleRoles allow on a schedule. */
export function useEligiblePeople() {
  const { people } = useStaff();
  const eligible = usePolicy().data?.notices.onCall.eligibleRoles ?? [];
  return people.filter((p) => p.roles.some((r) => eligible.includes(r)));
}

const today = () => new Date().toISOString().slice(0, 10);

/** A new schedule (no `schedule`) or a change to one; `onDone` gets what to announce. */
export function ScheduleForm({
  schedule,
  onDone,
}: {
  schedule?: Schedule;
  onDone: (message: string) => void;
}) {
  const id = useId();
  const queryClient = useQueryClient();
  const people = useEligiblePeople();
  const [name, setName] = useState(schedule?.name ?? '');
  const [timeZone, setTimeZone] = useState(schedule?.rotation.timeZone ?? browserTimeZone());
  const [startsOn, setStartsOn] = useState(schedule?.rotation.startsOn ?? today());
  const [shifts, setShifts] = useState<ShiftDraft[]>(
    schedule?.rotation.shifts.map((s) => ({
      day: String(s.day),
      start: s.start,
      length: s.length,
    })) ?? [{ day: '0', start: '09:00', length: '1w' }],
  );
  const [members, setMembers] = useState<{ id: string; displayName: string | null }[]>(
    schedule?.rotation.members ?? [],
  );
  const [adding, setAdding] = useState('');
  const membersRef = useRef<HTMLOListElement>(null);
  const save = useMutation({
    mutationFn: () => {
      const body = {
        name,
        rotation: {
          timeZone,
          startsOn,
          shifts: shifts.map((s) => ({ day: Number(s.day), start: s.start, length: s.length })),
          members: members.map((m) => m.id),
        },
      };
      return schedule
        ? patch<Schedule>(`/on-call/schedules/${encodeURIComponent(schedule.id)}`, body)
        : post<Schedule>('/on-call/schedules', body);
    },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: ['on-call'] });
      onDone(schedule ? `${saved.name} is saved.` : `${saved.name} is created.`);
    },
  });
  const setShift = (i: number, change: Partial<ShiftDraft>) =>
    setShifts((all) => all.map((s, j) => (j === i ? { ...s, ...change } : s)));
  const move = (i: number, by: number) =>
    setMembers((all) => {
      const next = [...all];
      const [m] = next.splice(i, 1);
      next.splice(i + by, 0, m!);
      return next;
    });
  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }
  const candidates = people.filter((p) => !members.some((m) => m.id === p.id));
  return (
    <form onSubmit={submit} aria-labelledby={`${id}-h`} className="panel">
      <h3 id={`${id}-h`}>{schedule ? `Change ${schedule.name}` : 'New schedule'}</h3>
      <label htmlFor={`${id}-name`}>Name</label>
      <input
        id={`${id}-name`}
        required
        maxLength={120}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <label htmlFor={`${id}-zone`}>Time zone of the hand-offs</label>
      <TimeZoneSelect id={`${id}-zone`} value={timeZone} onChange={setTimeZone} />
      <label htmlFor={`${id}-starts`}>First day of the rotation</label>
      <input
        id={`${id}-starts`}
        type="date"
        required
        value={startsOn}
        onChange={(e) => setStartsOn(e.target.value)}
      />
      <fieldset>
        <legend>Shifts of the pattern, in order</legend>
        <p className="hint">
          Each shift starts where the one before it ends; the pattern repeats after whole days. One
          shift of 1w is a weekly rotation; 09:00 for 12h and 21:00 for 12h hand off twice a day.
        </p>
        {shifts.map((s, i) => (
          <div key={i} className="row" data-testid="schedule-shift">
            <div>
              <label htmlFor={`${id}-s${i}-start`}>Shift {i + 1} hand-off time</label>
              <input
                id={`${id}-s${i}-start`}
                type="time"
                required
                value={s.start}
                onChange={(e) => setShift(i, { start: e.target.value })}
              />
            </div>
            <div>
              <label htmlFor={`${id}-s${i}-length`}>Shift {i + 1} length</label>
              <input
                id={`${id}-s${i}-length`}
                required
                placeholder="12h, 1d or 1w"
                value={s.length}
                onChange={(e) => setShift(i, { length: e.target.value })}
              />
            </div>
            <div>
              <label htmlFor={`${id}-s${i}-day`}>Shift {i + 1} day of the pattern</label>
              <input
                id={`${id}-s${i}-day`}
                type="number"
                min={0}
                max={27}
                required
                value={s.day}
                onChange={(e) => setShift(i, { day: e.target.value })}
              />
            </div>
            {shifts.length > 1 ? (
              <button
                type="button"
                className="secondary"
                onClick={() => setShifts((all) => all.filter((_, j) => j !== i))}
              >
                Remove shift {i + 1}
              </button>
            ) : null}
          </div>
        ))}
        <button
          type="button"
          className="secondary"
          onClick={() => setShifts((all) => [...all, { day: '0', start: '', length: '' }])}
        >
          Add a shift
        </button>
      </fieldset>
      <fieldset>
        <legend>Members, in the order they take the shifts</legend>
        {members.length === 0 ? <p className="hint">No member yet.</p> : null}
        <ol ref={membersRef} aria-label="Members in turn">
          {members.map((m, i) => {
            const label = m.displayName ?? 'a former member';
            return (
              <li key={m.id}>
                {label}{' '}
                <button
                  type="button"
                  className="secondary"
                  disabled={i === 0}
                  aria-label={`Move ${label} up`}
                  onClick={() => move(i, -1)}
                >
                  Up
                </button>{' '}
                <button
                  type="button"
                  className="secondary"
                  disabled={i === members.length - 1}
                  aria-label={`Move ${label} down`}
                  onClick={() => move(i, 1)}
                >
                  Down
                </button>{' '}
                <button
                  type="button"
                  className="secondary"
                  aria-label={`Remove ${label} from the rotation`}
                  onClick={() => setMembers((all) => all.filter((x) => x.id !== m.id))}
                >
                  Remove
                </button>
              </li>
            );
          })}
        </ol>
        <label htmlFor={`${id}-add`}>Add a member</label>
        <select id={`${id}-add`} value={adding} onChange={(e) => setAdding(e.target.value)}>
          <option value="">Choose a person</option>
          {candidates.map((p) => (
            <option key={p.id} value={p.id}>
              {p.displayName}
            </option>
          ))}
        </select>{' '}
        <button
          type="button"
          className="secondary"
          disabled={adding === ''}
          onClick={() => {
            const person = people.find((p) => p.id === adding);
            if (person) setMembers((all) => [...all, person]);
            setAdding('');
          }}
        >
          Add to the rotation
        </button>
      </fieldset>
      <ErrorMessage error={save.error} />
      <button type="submit" disabled={save.isPending}>
        {schedule ? 'Save the schedule' : 'Create the schedule'}
      </button>
    </form>
  );
}

/** Removing a schedule: a second button confirms; its record stays. */
export function RemoveSchedule({
  schedule,
  onDone,
}: {
  schedule: Schedule;
  onDone: (message: string) => void;
}) {
  const queryClient = useQueryClient();
  const [asked, setAsked] = useState(false);
  const remove = useMutation({
    mutationFn: () => del(`/on-call/schedules/${encodeURIComponent(schedule.id)}`),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['on-call'] });
      onDone(`${schedule.name} is removed.`);
    },
  });
  return asked ? (
    <p role="group" aria-label={`Confirm removing ${schedule.name}`}>
      Remove {schedule.name}? Nobody will be on call on it; its record stays.{' '}
      <button type="button" className="danger" onClick={() => remove.mutate()}>
        Yes, remove {schedule.name}
      </button>{' '}
      <button type="button" className="secondary" onClick={() => setAsked(false)}>
        Keep it
      </button>
      <ErrorMessage error={remove.error} />
    </p>
  ) : (
    <button type="button" className="danger" onClick={() => setAsked(true)}>
      Remove this schedule
    </button>
  );
}
