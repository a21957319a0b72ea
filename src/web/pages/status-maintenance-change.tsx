// Moving a maintenance's window, or calling it off, before the window opens (status.publish):
// each asks for the words subscribers will get and a confirmation, and a refusal names the field
// (a window that ends before it starts: scheduledUntil; the same window: scheduledFor).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { z } from 'zod';
import type { Maintenance } from '../../shared/api/status.ts';
import { post } from '../api.ts';
import { DateTimeRange, ErrorMessage, Time } from '../components/common.tsx';
import { localToRfc3339, rfc3339ToLocal } from '../format.ts';

type MaintenanceView = z.infer<typeof Maintenance>;
export type MaintenanceChangeKind = 'reschedule' | 'cancel';

/** Minutes before the window for the subscribers' reminder; empty: the policy's time. */
export function ReminderMinutes({
  id,
  value,
  onChange,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <>
      <label htmlFor={id}>Remind subscribers this many minutes before</label>
      <input
        id={id}
        type="number"
        min={0}
        max={10080}
        value={value}
        placeholder="the policy's time"
        onChange={(e) => onChange(e.target.value)}
      />
    </>
  );
}

/** The heading takes the focus when the form opens, so keyboard and screen reader users land on it. */
function useFocusOnOpen() {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

export function MaintenanceChange({
  m,
  kind,
  onDone,
}: {
  m: MaintenanceView;
  kind: MaintenanceChangeKind;
  onDone: (message: string | null) => void;
}) {
  const id = useId();
  const heading = useFocusOnOpen();
  const queryClient = useQueryClient();
  const [from, setFrom] = useState(rfc3339ToLocal(m.scheduledFor));
  const [until, setUntil] = useState(rfc3339ToLocal(m.scheduledUntil));
  const [notice, setNotice] = useState(
    m.noticeBeforeMinutes === null ? '' : String(m.noticeBeforeMinutes),
  );
  const [body, setBody] = useState(
    kind === 'cancel'
      ? 'This scheduled maintenance has been cancelled.'
      : 'This scheduled maintenance has been moved to a new window.',
  );
  const [confirmed, setConfirmed] = useState(false);
  const path = `/status/maintenances/${encodeURIComponent(m.id)}/${kind}`;
  const change = useMutation({
    mutationFn: () =>
      post(
        path,
        kind === 'cancel'
          ? { body, expectedVersion: m.version }
          : {
              scheduledFor: localToRfc3339(from),
              scheduledUntil: localToRfc3339(until),
              noticeBeforeMinutes: notice === '' ? null : Number(notice),
              body,
              expectedVersion: m.version,
            },
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['status', 'maintenances'] });
      onDone(kind === 'cancel' ? `${m.name} is cancelled.` : `${m.name} is rescheduled.`);
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    change.mutate();
  }
  const title = kind === 'cancel' ? `Cancel ${m.name}` : `Reschedule ${m.name}`;
  return (
    <section className="panel" aria-labelledby={`${id}-h`} data-testid="maintenance-change">
      <h2 id={`${id}-h`} ref={heading} tabIndex={-1}>
        {title}
      </h2>
      <p>
        Now: <Time value={m.scheduledFor} /> – <Time value={m.scheduledUntil} />.{' '}
        {kind === 'cancel'
          ? 'It takes nothing down and ends now. Everyone who was told of it is told it is cancelled.'
          : 'Its subscribers are told of the new window; the reminder moves with it.'}
      </p>
      <form onSubmit={submit}>
        {kind === 'reschedule' ? (
          <>
            <DateTimeRange
              id={id}
              labels={['New start', 'New end']}
              from={from}
              until={until}
              onFrom={setFrom}
              onUntil={setUntil}
            />
            <ReminderMinutes id={`${id}-notice`} value={notice} onChange={setNotice} />
          </>
        ) : null}
        <label htmlFor={`${id}-body`}>What subscribers are told (Markdown)</label>
        <textarea
          id={`${id}-body`}
          required
          rows={3}
          value={body}
          onChange={(e) => setBody(e.target.value)}
        />
        <label className="check">
          <input
            type="checkbox"
            checked={confirmed}
            onChange={(e) => setConfirmed(e.target.checked)}
          />{' '}
          {kind === 'cancel'
            ? `I confirm: call off ${m.name} and tell its subscribers`
            : `I confirm: move ${m.name} and tell its subscribers`}
        </label>
        <ErrorMessage error={change.error} />
        <button
          type="submit"
          className={kind === 'cancel' ? 'danger' : undefined}
          disabled={!confirmed || change.isPending}
        >
          {kind === 'cancel' ? 'Cancel the maintenance' : 'Reschedule'}
        </button>{' '}
        <button type="button" className="secondary" onClick={() => onDone(null)}>
          Keep it as it is
        </button>
      </form>
    </section>
  );
}
