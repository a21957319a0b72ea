// The incident's own details and who and what it involves: the edit form (title, summary,
// systems, times, restriction, public disclosure), the linked reports (as links to them) and the
// participants (on a restricted incident, the people who can see it).
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api.ts';
import { Empty } from '../../components/common.tsx';
import { localToRfc3339, rfc3339ToLocal } from '../../format.ts';
import { useCan } from '../../session.tsx';
import { useIncidentChange, useStaff, type Incident, type SectionProps } from './incident-data.ts';
import {
  ChangeFeedback,
  Field,
  FormDetails,
  PersonSelect,
  Submit,
  TextArea,
  TextInput,
  useFocusAfter,
} from './incident-parts.tsx';
import { consolePath } from '../../../shared/domain/console-paths.ts';

export function ReportsSection({ detail, rights }: SectionProps) {
  const { incident, reports } = detail;
  const can = useCan();
  const change = useIncidentChange(incident);
  const [headingRef, focusHeading] = useFocusAfter<HTMLHeadingElement>();
  const [inputRef, focusInput] = useFocusAfter<HTMLInputElement>();
  const [keys, setKeys] = useState('');
  const fieldErrors =
    change.error instanceof ApiError
      ? change.error.fields.filter((f) => f.field.startsWith('reportIds'))
      : [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const reportIds = keys.split(/[\s,]+/).filter(Boolean);
    void change.run('/reports', { reportIds }).then((ok) => {
      if (ok) {
        setKeys('');
        focusHeading();
      } else focusInput();
    });
  };
  return (
    <section aria-labelledby="reports-heading" className="panel">
      <h2 id="reports-heading" ref={headingRef} tabIndex={-1}>
        Reports
      </h2>
      {reports.length === 0 ? (
        <Empty>No reports linked.</Empty>
      ) : (
        <ul data-testid="linked-reports">
          {reports.map((r) => (
            <li key={r.id}>
              {can('reports.read') ? <Link to={consolePath.report(r.key)}>{r.key}</Link> : r.key}
            </li>
          ))}
        </ul>
      )}
      {rights.update ? (
        <FormDetails summary="Link reports" label="Link reports" onSubmit={submit}>
          <Field
            label="Report keys"
            help="One or more, such as RPT-0042, separated by spaces or commas. Linked reports count as handled by this incident."
          >
            {(p) => (
              <input
                {...p}
                ref={inputRef}
                required
                value={keys}
                aria-invalid={fieldErrors.length > 0 || undefined}
                aria-describedby={[p['aria-describedby'], fieldErrors.length ? `${p.id}-error` : '']
                  .filter(Boolean)
                  .join(' ')}
                onChange={(e) => setKeys(e.target.value)}
              />
            )}
          </Field>
          {fieldErrors.length > 0 ? (
            <FieldErrors errors={fieldErrors} />
          ) : (
            <ChangeFeedback change={change} />
          )}
          <button type="submit" disabled={change.pending}>
            Link
          </button>
        </FormDetails>
      ) : null}
    </section>
  );
}

function FieldErrors({ errors }: { errors: { message: string }[] }) {
  return (
    <div role="alert" className="error" data-testid="field-error">
      {errors.map((f) => (
        <p key={f.message}>{f.message}</p>
      ))}
    </div>
  );
}

export function ParticipantsSection({ detail, rights }: SectionProps) {
  const { incident } = detail;
  const { people, nameOf } = useStaff();
  const change = useIncidentChange(incident);
  const [headingRef, focusHeading] = useFocusAfter<HTMLHeadingElement>();
  const [userId, setUserId] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void change.run('/participants', { userId }).then((ok) => {
      if (!ok) return;
      setUserId('');
      focusHeading();
    });
  };
  return (
    <section aria-labelledby="participants-heading" className="panel">
      <h2 id="participants-heading" ref={headingRef} tabIndex={-1}>
        Participants
      </h2>
      <p className="help">
        {incident.restricted
          ? 'This incident is restricted: only these people, and administrators, can see it.'
          : 'The people taking part. If the incident is restricted, only they and administrators can see it.'}
      </p>
      {incident.participants.length === 0 ? (
        <Empty>Nobody yet.</Empty>
      ) : (
        <ul data-testid="participants">
          {incident.participants
            .map((id) => nameOf(id))
            .sort((a, b) => a.localeCompare(b))
            .map((name, n) => (
              <li key={`${name}-${n}`}>{name}</li>
            ))}
        </ul>
      )}
      {rights.update ? (
        <FormDetails summary="Add a participant" label="Add a participant" onSubmit={submit}>
          <PersonSelect
            label="Person"
            people={people.filter((p) => !incident.participants.includes(p.id))}
            value={userId}
            onChange={setUserId}
            required
          />
          <Submit change={change}>Add participant</Submit>
        </FormDetails>
      ) : null}
    </section>
  );
}

interface Form {
  title: string;
  summary: string;
  systems: string;
  detectedAt: string;
  reportedAt: string;
  restricted: boolean;
  publiclyDisclosed: boolean;
}

const formOf = (i: Incident): Form => ({
  title: i.title,
  summary: i.summary,
  systems: i.affectedSystems.join(', '),
  detectedAt: i.detectedAt ? rfc3339ToLocal(i.detectedAt) : '',
  reportedAt: i.reportedAt ? rfc3339ToLocal(i.reportedAt) : '',
  restricted: i.restricted,
  publiclyDisclosed: i.publiclyDisclosed,
});

/** Only what was changed in the form, as the API takes it. */
function changesOf(before: Form, after: Form): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  if (after.title !== before.title) changes.title = after.title;
  if (after.summary !== before.summary) changes.summary = after.summary;
  if (after.systems !== before.systems)
    changes.affectedSystems = after.systems
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (after.detectedAt !== before.detectedAt) changes.detectedAt = localToRfc3339(after.detectedAt);
  if (after.reportedAt !== before.reportedAt) changes.reportedAt = localToRfc3339(after.reportedAt);
  if (after.restricted !== before.restricted) changes.restricted = after.restricted;
  if (after.publiclyDisclosed !== before.publiclyDisclosed)
    changes.publiclyDisclosed = after.publiclyDisclosed;
  return changes;
}

export function EditSection({ detail, rights }: SectionProps) {
  const [saved, setSaved] = useState(0);
  const [statusRef, focusStatus] = useFocusAfter<HTMLParagraphElement>();
  if (!rights.update) return null;
  return (
    <section aria-labelledby="edit-heading" className="panel">
      <h2 id="edit-heading">Details</h2>
      {saved > 0 ? (
        <p role="status" ref={statusRef} tabIndex={-1} className="ok-text">
          <span aria-hidden="true">✓ </span>Saved: the page shows the new details.
        </p>
      ) : null}
      <EditForm
        key={saved}
        incident={detail.incident}
        onSaved={() => {
          setSaved((n) => n + 1);
          focusStatus();
        }}
      />
    </section>
  );
}

function EditForm({ incident, onSaved }: { incident: Incident; onSaved: () => void }) {
  const change = useIncidentChange(incident);
  const [before] = useState(() => formOf(incident));
  const [form, setForm] = useState(before);
  const set =
    <K extends keyof Form>(field: K) =>
    (value: Form[K]) =>
      setForm((f) => ({ ...f, [field]: value }));
  const changes = changesOf(before, form);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void change.run('', changes, 'PATCH').then((ok) => ok && onSaved());
  };
  return (
    <FormDetails summary="Edit the incident" label="Edit the incident" onSubmit={submit}>
      <TextInput
        label="Title"
        required
        maxLength={300}
        value={form.title}
        onChange={set('title')}
      />
      <TextArea label="Summary" value={form.summary} onChange={set('summary')} />
      <TextInput
        label="Affected systems"
        help="Separated by commas."
        value={form.systems}
        onChange={set('systems')}
      />
      {(
        [
          ['detectedAt', 'Detected', 'When the problem was first noticed'],
          ['reportedAt', 'Reported', 'When it was reported to us'],
        ] as const
      ).map(([field, label, when]) => (
        <TextInput
          key={field}
          label={label}
          help={`${when}, in your time zone; empty if unknown.`}
          type="datetime-local"
          value={form[field]}
          onChange={set(field)}
        />
      ))}
      <Check
        label="Restricted: only its participants and administrators can see it"
        checked={form.restricted}
        onChange={set('restricted')}
      />
      <Check
        label="Publicly disclosed: the issue was posted publicly and must be taken out of public view"
        checked={form.publiclyDisclosed}
        onChange={set('publiclyDisclosed')}
      />
      <Submit change={change}>Save changes</Submit>
      {Object.keys(changes).length === 0 ? <p className="help">Nothing changed yet.</p> : null}
    </FormDetails>
  );
}

function Check({
  label,
  checked,
  onChange,
}: {
  label: string;
  checked: boolean;
  onChange: (value: boolean) => void;
}) {
  return (
    <label className="choice block">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      {label}
    </label>
  );
}
