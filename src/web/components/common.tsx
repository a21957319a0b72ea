// Small pieces every page uses: times, countdowns, severity, errors, empty states.
import type { ReactNode } from 'react';
import { ApiError } from '../api.ts';
import { useNow } from '../clock.ts';
import { fieldWords, formatRelative, formatTime, toMs, type TimeValue } from '../format.ts';
import { usePolicy } from '../queries.ts';
import { useFocusOnShow } from './focus.ts';
import { EXERCISE_KIND_WORDS, type ExerciseKind } from '../../shared/domain/incidents.ts';

export function Time({ value }: { value: TimeValue | null | undefined }) {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  return <time dateTime={new Date(toMs(value)).toISOString()}>{formatTime(value)}</time>;
}

/** "in 12 min" / "3 min overdue", ticking; the absolute time in the title and for screen readers. */
export function Countdown({ due, label }: { due: TimeValue; label?: string }) {
  const now = useNow();
  const overdue = toMs(due) < now;
  return (
    <time
      dateTime={new Date(toMs(due)).toISOString()}
      title={formatTime(due)}
      className={overdue ? 'countdown overdue' : 'countdown'}
      data-testid="countdown"
    >
      {overdue ? <span aria-hidden="true">⚠ </span> : null}
      {label ? `${label} ` : ''}
      {formatRelative(due, now)}
    </time>
  );
}

/**
 * Severity as text first (id and name), colour second, so colour is never the only signal. The
 * policy's description is the help text.
 */
/** EXERCISE in words on every incident card that is one (issue 14, item 7), not by colour alone. */
export function ExerciseBadge({ kind }: { kind: ExerciseKind | null }) {
  if (!kind) return null;
  return (
    <span className="badge exercise" title={`A ${EXERCISE_KIND_WORDS[kind]}, not a real incident`}>
      EXERCISE · {EXERCISE_KIND_WORDS[kind]}
    </span>
  );
}

export function SeverityBadge({ severity }: { severity: string | null }) {
  const policy = usePolicy();
  if (!severity) return <span className="badge severity-none">No severity yet</span>;
  const index = policy.data?.severities.findIndex((s) => s.id === severity) ?? -1;
  const found = index >= 0 ? policy.data!.severities[index] : undefined;
  return (
    <span
      className={`badge severity severity-${Math.min(Math.max(index, 0), 3)}`}
      title={found?.description}
    >
      {severity}
      {found ? ` · ${found.name}` : ''}
    </span>
  );
}

/** An error in the server's words, each field it names in words; `focus`: it takes the focus (an action's refusal). */
export function ErrorMessage({ error, focus }: { error: unknown; focus?: boolean }) {
  const ref = useFocusOnShow<HTMLDivElement>(focus ? error : null);
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const fields = error instanceof ApiError ? error.fields : [];
  return (
    <div role="alert" className="error" ref={ref} data-testid="error-summary">
      <p>{message}</p>
      {fields.length > 0 ? (
        <ul>
          {fields.map((f) => (
            <li key={f.field + f.message}>
              <strong>{fieldWords(f.field)}</strong>: {f.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function Loading({ what }: { what?: string }) {
  return <p className="loading">Loading{what ? ` ${what}` : ''}…</p>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** A query's three states in one place. */
export function QueryState<T>({
  query,
  what,
  children,
}: {
  query: { isPending: boolean; error: unknown; data: T | undefined };
  what?: string;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading {...(what ? { what } : {})} />;
  if (query.error) return <ErrorMessage error={query.error} />;
  return <>{children(query.data as T)}</>;
}

/** A window's two datetime-local fields (the browser's time zone), `${id}-from` and `${id}-until`. */
export function DateTimeRange({
  id,
  labels,
  from,
  until,
  onFrom,
  onUntil,
}: {
  id: string;
  labels: readonly [string, string];
  from: string;
  until: string;
  onFrom: (value: string) => void;
  onUntil: (value: string) => void;
}) {
  return (
    <>
      <label htmlFor={`${id}-from`}>{labels[0]}</label>
      <input
        id={`${id}-from`}
        type="datetime-local"
        required
        value={from}
        onChange={(e) => onFrom(e.target.value)}
      />
      <label htmlFor={`${id}-until`}>{labels[1]}</label>
      <input
        id={`${id}-until`}
        type="datetime-local"
        required
        value={until}
        onChange={(e) => onUntil(e.target.value)}
      />
    </>
  );
}

/**
 * A time zone picked from the browser's list of IANA zones, with UTC and the current one always
 * there, so a choice is never a typo.
 */
export function TimeZoneSelect({
  id,
  value,
  onChange,
}: {
  id: string;
  value: string;
  onChange: (zone: string) => void;
}) {
  const zones = [...new Set([value, 'UTC', ...Intl.supportedValuesOf('timeZone')])].sort((a, b) =>
    a.localeCompare(b),
  );
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
      {zones.map((zone) => (
        <option key={zone} value={zone}>
          {zone.replaceAll('_', ' ')}
        </option>
      ))}
    </select>
  );
}

/** The browser's own time zone (IANA name). */
export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
