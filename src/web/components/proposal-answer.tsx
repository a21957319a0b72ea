// Parts of answering a proposal and of owning a follow-up, the same on every page that has them:
// declining with the reason why (the policy's proposed changes, the alerts' tuning proposals), and
// picking an owner among the active staff (Follow-ups, the Alerts page).
import { useState } from 'react';
import { useStaff } from '../pages/incidents/incident-data.ts';

/** "Decline “…”": why, then Decline; `onDecline` gets the reason as written. */
export function DeclineForm({
  id,
  title,
  pending,
  onDecline,
}: {
  id: string;
  title: string;
  pending: boolean;
  onDecline: (reason: string) => void;
}) {
  const [reason, setReason] = useState('');
  return (
    <form
      aria-label={`Decline “${title}”`}
      onSubmit={(event) => {
        event.preventDefault();
        onDecline(reason);
      }}
    >
      <label htmlFor={`${id}-reason`}>Why decline it</label>
      <textarea
        id={`${id}-reason`}
        rows={2}
        maxLength={2000}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
      <button type="submit" className="secondary" disabled={pending}>
        Decline
      </button>
    </form>
  );
}

/**
 * "Owner": the active staff by name; `first` is the option before them (the current owner who is
 * no longer on staff, or "Me"), none when left out.
 */
export function OwnerSelect({
  id,
  value,
  onChange,
  first,
}: {
  id: string;
  value: string;
  onChange: (ownerId: string) => void;
  first?: { value: string; label: string } | null;
}) {
  const { people } = useStaff();
  return (
    <>
      <label htmlFor={`${id}-owner`}>Owner</label>
      <select id={`${id}-owner`} value={value} onChange={(e) => onChange(e.target.value)}>
        {first ? <option value={first.value}>{first.label}</option> : null}
        {people.map((p) => (
          <option key={p.id} value={p.id}>
            {p.displayName}
          </option>
        ))}
      </select>
    </>
  );
}
