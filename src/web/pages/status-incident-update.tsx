// Writing for customers on a public incident that is already on the page (status.publish): an
// update (Markdown, status, an optional earlier time shown, the status it sets on components),
// published at once or saved as a draft for a second person when the policy asks for four eyes;
// the link to the internal incident it speaks for (shown only to staff who may see that
// incident: the server leaves a restricted one out). The policy's plain-language reminders and its
// four-eyes rule stand beside every form that writes for customers.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { z } from 'zod';
import type {
  CustomersNotified,
  PublicIncident,
  StatusComponent,
} from '../../shared/api/status.ts';
import {
  COMPONENT_STATUSES,
  COMPONENT_STATUS_WORDS,
  IMPACT_WORDS,
  INCIDENT_STATUS_WORDS,
  PUBLIC_INCIDENT_STATUSES,
  type ComponentStatus,
  type IncidentImpact,
  type PublicIncidentStatus,
} from '../../shared/domain/status.ts';
import { patch, post } from '../api.ts';
import { ErrorMessage } from '../components/common.tsx';
import { localToRfc3339 } from '../format.ts';
import { usePolicy } from '../queries.ts';

type Component = z.infer<typeof StatusComponent>;
type Incident = z.infer<typeof PublicIncident>;

/** The policy's reminders to whoever writes for customers, in its own words, and its four-eyes rule. */
export function WritingReminders({ impact }: { impact?: IncidentImpact }) {
  const id = useId();
  const policy = usePolicy();
  const publishing = policy.data?.communications.publishing;
  if (!publishing) return null;
  const { severities, impacts } = publishing.fourEyes;
  const needsTwo = impact !== undefined && impacts.includes(impact);
  return (
    <aside className="panel reminders" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>The policy reminds you</h3>
      {publishing.reminders.length > 0 ? (
        <ul>
          {publishing.reminders.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      ) : null}
      {severities.length + impacts.length > 0 ? (
        <p data-testid="four-eyes-rule">
          A second person approves before customers see it when the incident speaks for{' '}
          {severities.length ? `a ${severities.join(' or ')} incident` : 'no severity'}
          {impacts.length
            ? ` or has ${impacts.map((i) => IMPACT_WORDS[i as IncidentImpact] ?? i).join(' or ')} impact`
            : ''}
          : save it as a draft then.
          {needsTwo ? <strong> This incident needs a second person.</strong> : null}
        </p>
      ) : (
        <p>The policy lets you publish alone.</p>
      )}
    </aside>
  );
}

/** The status this update sets on each component, or none: left as it is. */
function ComponentSettings({
  components,
  chosen,
  onChange,
}: {
  components: Component[];
  chosen: Record<string, ComponentStatus | ''>;
  onChange: (next: Record<string, ComponentStatus | ''>) => void;
}) {
  const id = useId();
  return (
    <fieldset>
      <legend>Components after this update</legend>
      {components
        .filter((c) => !c.isGroup)
        .map((c) => (
          <div key={c.id}>
            <label htmlFor={`${id}-${c.id}`}>{c.name}</label>
            <select
              id={`${id}-${c.id}`}
              value={chosen[c.id] ?? ''}
              onChange={(e) =>
                onChange({ ...chosen, [c.id]: e.target.value as ComponentStatus | '' })
              }
            >
              <option value="">Leave as it is</option>
              {COMPONENT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {COMPONENT_STATUS_WORDS[s]}
                </option>
              ))}
            </select>
          </div>
        ))}
    </fieldset>
  );
}

export function UpdateIncident({
  incident,
  components,
  onDone,
}: {
  incident: Incident;
  components: Component[];
  onDone: (message: string | null) => void;
}) {
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const queryClient = useQueryClient();
  const resolved = incident.status === 'resolved' || incident.status === 'postmortem';
  const [status, setStatus] = useState<PublicIncidentStatus>(
    resolved ? 'postmortem' : incident.status,
  );
  const [body, setBody] = useState('');
  const [shownAt, setShownAt] = useState('');
  const [reopen, setReopen] = useState(false);
  const [chosen, setChosen] = useState<Record<string, ComponentStatus | ''>>({});
  const content = () => ({
    status,
    body,
    displayAt: shownAt ? localToRfc3339(shownAt) : null,
    components: Object.entries(chosen)
      .filter(([, s]) => s !== '')
      .map(([componentId, s]) => ({ componentId, status: s })),
    reopen,
  });
  const done = async (message: string) => {
    await queryClient.invalidateQueries({ queryKey: ['status'] });
    onDone(message);
  };
  const path = `/status/incidents/${encodeURIComponent(incident.id)}/updates`;
  const publish = useMutation({
    mutationFn: () => post(path, { ...content(), expectedVersion: incident.version }),
    onSuccess: () => done(`The update to ${incident.name} is published.`),
  });
  const draft = useMutation({
    mutationFn: () => post('/status/drafts', { publicIncidentId: incident.id, ...content() }),
    onSuccess: () =>
      done(`The update to ${incident.name} is saved as a draft for another person to approve.`),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    draft.reset();
    publish.mutate();
  }
  return (
    <section className="panel" aria-labelledby={`${id}-h`} data-testid="incident-update">
      <h2 id={`${id}-h`} ref={heading} tabIndex={-1}>
        Update {incident.name}
      </h2>
      <p>
        Now {INCIDENT_STATUS_WORDS[incident.status]}, {IMPACT_WORDS[incident.impact]}.
      </p>
      <WritingReminders impact={incident.impact} />
      <form onSubmit={submit}>
        <label htmlFor={`${id}-status`}>Status</label>
        <select
          id={`${id}-status`}
          value={status}
          onChange={(e) => setStatus(e.target.value as PublicIncidentStatus)}
        >
          {PUBLIC_INCIDENT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {INCIDENT_STATUS_WORDS[s]}
            </option>
          ))}
        </select>
        {resolved ? (
          <label className="check">
            <input type="checkbox" checked={reopen} onChange={(e) => setReopen(e.target.checked)} />{' '}
            Reopen it (an active status on a resolved incident)
          </label>
        ) : null}
        <label htmlFor={`${id}-body`}>Update for customers (Markdown)</label>
        <textarea
          id={`${id}-body`}
          required
          rows={4}
          value={body}
          onChange={(e) => setBody(e.target.value)}
        />
        <label htmlFor={`${id}-at`}>Shown as written at (optional, not in the future)</label>
        <input
          id={`${id}-at`}
          type="datetime-local"
          value={shownAt}
          aria-describedby={`${id}-at-hint`}
          onChange={(e) => setShownAt(e.target.value)}
        />
        <p id={`${id}-at-hint`} className="hint">
          Leave it empty to show the time of publishing; fill it in to backdate an update written
          late.
        </p>
        <ComponentSettings components={components} chosen={chosen} onChange={setChosen} />
        <ErrorMessage error={publish.error ?? draft.error} />
        <button type="submit" disabled={publish.isPending}>
          Publish update
        </button>{' '}
        <button
          type="button"
          className="secondary"
          disabled={draft.isPending}
          onClick={() => {
            publish.reset();
            draft.mutate();
          }}
        >
          Save update as draft for approval
        </button>{' '}
        <button type="button" className="secondary" onClick={() => onDone(null)}>
          Close
        </button>
      </form>
      <NotifyCustomers incident={incident} />
      <LinkInternalIncident incident={incident} />
    </section>
  );
}

/**
 * Sends the incident's latest published update to the contacts of every customer using a
 * component it affects (and not sent it yet); meets the customer clock of the internal incident.
 */
function NotifyCustomers({ incident }: { incident: Incident }) {
  const id = useId();
  const notify = useMutation({
    mutationFn: () =>
      post<z.infer<typeof CustomersNotified>>(
        `/status/incidents/${encodeURIComponent(incident.id)}/notify-customers`,
        {},
      ),
  });
  const sent = notify.data?.customers ?? [];
  return (
    <section aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Affected customers</h3>
      <p className="hint">
        E-mails the latest published update, exactly as published, to the contacts of each customer
        that uses an affected component and has not had it yet.
      </p>
      <button
        type="button"
        className="secondary"
        disabled={notify.isPending}
        onClick={() => notify.mutate()}
      >
        Notify affected customers
      </button>
      <ErrorMessage error={notify.error} />
      {notify.isSuccess ? (
        <p role="status">
          Sent to{' '}
          {sent
            .map((c) => `${c.name} (${c.contacts === 1 ? '1 contact' : `${c.contacts} contacts`})`)
            .join(', ')}
          .
        </p>
      ) : null}
    </section>
  );
}

/** The internal incident a public incident speaks for: staff only, never on the public side. */
function LinkInternalIncident({ incident }: { incident: Incident }) {
  const id = useId();
  const queryClient = useQueryClient();
  const [key, setKey] = useState(incident.internalIncident?.key ?? '');
  const link = useMutation({
    mutationFn: (to: string | null) =>
      patch(`/status/incidents/${encodeURIComponent(incident.id)}`, {
        internalIncident: to,
        expectedVersion: incident.version,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['status'] }),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    link.mutate(key.trim());
  }
  return (
    <form onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Internal incident it speaks for</h3>
      <p className="hint" id={`${id}-hint`}>
        Staff only: the link never reaches the public page, and only those who may see the internal
        incident see it here. Its customer clocks are met by what is published from now on.
      </p>
      <label htmlFor={`${id}-key`}>Internal incident key</label>
      <input
        id={`${id}-key`}
        required
        value={key}
        aria-describedby={`${id}-hint`}
        placeholder="INC-12"
        onChange={(e) => setKey(e.target.value)}
      />
      <button type="submit" className="secondary" disabled={link.isPending}>
        Link
      </button>{' '}
      {incident.internalIncident ? (
        <button
          type="button"
          className="secondary"
          disabled={link.isPending}
          onClick={() => {
            setKey('');
            link.mutate(null);
          }}
        >
          Unlink {incident.internalIncident.key}
        </button>
      ) : null}
      <ErrorMessage error={link.error} />
      {link.isSuccess ? (
        <p role="status">{link.variables ? `Linked to ${link.variables}.` : 'Unlinked.'}</p>
      ) : null}
    </form>
  );
}
