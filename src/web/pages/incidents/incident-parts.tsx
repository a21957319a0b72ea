// Small pieces the incident sections share: what happened to a change (refused, conflicting,
// wrong field), a picker for people, and a labelled select.
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../../api.ts';
import { ErrorMessage } from '../../components/common.tsx';
import { useFocusOnShow } from '../../components/focus.ts';
import { humanize } from '../../format.ts';
import type { ActionAnswer, Person } from './incident-data.ts';

/** A policy refusal: every reason (exit checks, phases that cannot be skipped...) with a code. */
interface Refusal {
  failedChecks?: { code: string; reason: string }[];
}

/**
 * The server's own words for a refused change (a refused phase move as a list of what blocks it);
 * on a conflict, that the page was reloaded.
 */
export function ChangeFeedback({ change }: { change: { error: unknown; conflict: boolean } }) {
  // What refused the change takes the focus, so the keyboard is where the reasons are.
  const conflictRef = useFocusOnShow<HTMLParagraphElement>(change.conflict);
  const refusalRef = useFocusOnShow<HTMLDivElement>(change.error);
  if (change.conflict)
    return (
      <p role="alert" className="notice" data-testid="conflict" ref={conflictRef}>
        Someone else changed this incident while you were working on it. The page now shows the
        latest version: check it, then try again.
      </p>
    );
  if (!change.error) return null;
  const refusal = change.error instanceof ApiError ? (change.error.body as Refusal) : {};
  const reasons = (refusal.failedChecks ?? []).map((f) => f.reason);
  if (reasons.length === 0) return <ErrorMessage error={change.error} focus />;
  // "Cannot move to Containment: a; b" — the lead sentence, then each reason on its own line.
  const message = (change.error as ApiError).message;
  const lead = message.includes(': ') ? message.slice(0, message.indexOf(': ')) : message;
  return (
    <div role="alert" className="error" data-testid="refusal" ref={refusalRef}>
      <p>{lead}:</p>
      <ul className="checks">
        {reasons.map((r) => (
          <li key={r}>
            <span aria-hidden="true">✗ </span>
            {r}
          </li>
        ))}
      </ul>
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

interface TextProps {
  label: string;
  help?: string;
  value: string;
  onChange: (value: string) => void;
  required?: boolean;
}

export function TextArea({ label, help, value, onChange, required }: TextProps) {
  return (
    <Field label={label} help={help}>
      {(p) => (
        <textarea
          {...p}
          required={required}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

export function TextInput({
  label,
  help,
  value,
  onChange,
  required,
  maxLength,
  type = 'text',
}: TextProps & { maxLength?: number; type?: 'text' | 'url' | 'datetime-local' }) {
  return (
    <Field label={label} help={help}>
      {(p) => (
        <input
          {...p}
          type={type}
          required={required}
          maxLength={maxLength}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** What became of the last try, then the form's submit button. */
export function Submit({
  change,
  children,
  secondary,
  waiting,
}: {
  change: { error: unknown; conflict: boolean; pending: boolean };
  children: ReactNode;
  secondary?: boolean;
  /** Why the step cannot be taken yet (shown by the button, which stays disabled); null: it can. */
  waiting?: string | null;
}) {
  const reasonId = useId();
  return (
    <>
      <ChangeFeedback change={change} />
      {waiting ? (
        <p className="notice" id={reasonId} data-testid="waiting-reason">
          {waiting}
        </p>
      ) : null}
      <button
        type="submit"
        className={secondary ? 'secondary' : undefined}
        disabled={change.pending || Boolean(waiting)}
        aria-describedby={waiting ? reasonId : undefined}
      >
        {children}
      </button>
    </>
  );
}

/** One of a fixed list of ids (task types, containment kinds), each shown in words. */
export function KindSelect({
  label,
  kinds,
  value,
  onChange,
  nameOf = humanize,
}: {
  label: string;
  kinds: readonly string[];
  value: string;
  onChange: (value: string) => void;
  /** What people read for a kind id (the policy's name); the id in words by default. */
  nameOf?: (id: string) => string;
}) {
  return (
    <Field label={label}>
      {(p) => (
        <select {...p} value={value} onChange={(e) => onChange(e.target.value)}>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {nameOf(k)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** A form folded away behind its summary, as most changes on the incident page are. */
export function FormDetails({
  summary,
  label,
  onSubmit,
  children,
}: {
  summary: string;
  label: string;
  onSubmit: (event: FormEvent) => void;
  children: ReactNode;
}) {
  return (
    <details>
      <summary>{summary}</summary>
      <form onSubmit={onSubmit} aria-label={label}>
        {children}
      </form>
    </details>
  );
}

/**
 * Where focus goes once an action is done: `[ref, focus]`; put `ref` on the element (a heading
 * gets tabIndex -1) and call `focus()` once the change is made: focus moves after the page shows
 * the new state.
 */
export function useFocusAfter<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [asked, setAsked] = useState(0);
  useEffect(() => {
    if (asked > 0) ref.current?.focus();
  }, [asked]);
  return [ref, () => setAsked((n) => n + 1)] as const;
}

/** Why the server would refuse this action (nothing when it is allowed). */
export function Refused({
  id,
  answer,
  what,
  shown = [],
}: {
  id: string;
  answer: ActionAnswer;
  what: string;
  /** Reasons the page already lists (the exit checks above): named once, not twice. */
  shown?: readonly string[];
}) {
  if (answer.allowed) return null;
  const others = answer.reasons.filter((r) => !shown.includes(r));
  const waits = others.length < answer.reasons.length;
  return (
    <div className="notice" id={id} data-testid={id}>
      <p>
        {what} is not possible yet
        {waits ? ': first clear what is listed above' : ''}
        {others.length > 0 ? (waits ? ', and:' : ':') : '.'}
      </p>
      {others.length > 0 ? (
        <ul className="checks">
          {others.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
