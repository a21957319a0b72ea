// Small pieces the incident sections share: what happened to a change (refused, conflicting,
// wrong field), a picker for people, and a labelled select.
import { useId, type ReactNode } from 'react';
import { ApiError } from '../../api.ts';
import { ErrorMessage } from '../../components/common.tsx';
import type { Person } from './incident-data.ts';

interface FailedCheck {
  check: string;
  reason: string;
}

/** The server's own words for a refused change; on a conflict, that the page was reloaded. */
export function ChangeFeedback({ change }: { change: { error: unknown; conflict: boolean } }) {
  if (change.conflict)
    return (
      <p role="alert" className="notice" data-testid="conflict">
        Someone else changed this incident while you were working on it. The page now shows the
        latest version: check it, then try again.
      </p>
    );
  if (!change.error) return null;
  const failed =
    change.error instanceof ApiError && Array.isArray(change.error.body.failedChecks)
      ? (change.error.body.failedChecks as FailedCheck[])
      : [];
  return (
    <div data-testid="refusal">
      <ErrorMessage error={change.error} />
      {failed.length > 0 ? (
        <ul className="checks" aria-label="What still blocks this">
          {failed.map((f) => (
            <li key={f.check}>
              <span aria-hidden="true">✗ </span>
              {f.reason}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function PersonSelect({
  label,
  people,
  value,
  onChange,
  allowNone,
  required,
}: {
  label: string;
  people: Person[];
  value: string;
  onChange: (id: string) => void;
  allowNone?: string;
  required?: boolean;
}) {
  const id = useId();
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} required={required} onChange={(e) => onChange(e.target.value)}>
        <option value="">{allowNone ?? 'Choose a person'}</option>
        {people.map((p) => (
          <option key={p.id} value={p.id}>
            {p.displayName}
            {p.awayUntil ? ' (away)' : ''}
          </option>
        ))}
      </select>
    </>
  );
}

/** A labelled field whose help text (the policy's words) is tied to it for screen readers. */
export function Field({
  label,
  help,
  children,
}: {
  label: string;
  help?: string | null | undefined;
  children: (props: { id: string; 'aria-describedby'?: string }) => ReactNode;
}) {
  const id = useId();
  const helpId = `${id}-help`;
  return (
    <>
      <label htmlFor={id}>{label}</label>
      {help ? (
        <p className="help" id={helpId}>
          {help}
        </p>
      ) : null}
      {children(help ? { id, 'aria-describedby': helpId } : { id })}
    </>
  );
}
