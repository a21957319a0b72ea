// The record of an incident: the decision log (what, why, alternatives, who decided), notes with
// their visibility, and the timeline of every event, filtered by kind and read a page at a time.
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { z } from 'zod';
import type { Timeline } from '../../../shared/api/incidents.ts';
import { query, request } from '../../api.ts';
import { Empty, ErrorMessage, QueryState, Time } from '../../components/common.tsx';
import { formatTime, humanize } from '../../format.ts';
import { keys } from '../../queries.ts';
import { useSession } from '../../session.tsx';
import { useDecisions, useIncidentChange, useStaff, type SectionProps } from './incident-data.ts';
import { Submit, TextArea, TextInput, FormDetails } from './incident-parts.tsx';

export function DecisionsSection({ detail, rights }: SectionProps) {
  const { incident } = detail;
  const session = useSession();
  const { nameOf } = useStaff();
  const decisions = useDecisions(incident.key);
  const change = useIncidentChange(incident);
  const [what, setWhat] = useState('');
  const [why, setWhy] = useState('');
  const [alternatives, setAlternatives] = useState('');
  const [decidedBy, setDecidedBy] = useState(session.user.displayName);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void change.run('/decisions', { what, why, alternatives, decidedBy }).then((ok) => {
      if (ok) {
        setWhat('');
        setWhy('');
        setAlternatives('');
      }
    });
  };
  return (
    <section aria-labelledby="decisions-heading" className="panel">
      <h2 id="decisions-heading">Decision log</h2>
      <QueryState query={decisions} what="decisions">
        {(data) =>
          data.items.length === 0 ? (
            <Empty>No decisions logged yet.</Empty>
          ) : (
            <ol className="decisions" data-testid="decisions">
              {data.items.map((d) => (
                <li key={d.id}>
                  <p>
                    <strong>{d.what}</strong>
                  </p>
                  <p>Why: {d.why}</p>
                  {d.alternatives ? <p>Alternatives considered: {d.alternatives}</p> : null}
                  <p className="muted">
                    Decided by {d.decidedBy} · <Time value={d.at} />
                    {d.recordedBy ? ` · logged by ${nameOf(d.recordedBy)}` : ''}
                  </p>
                </li>
              ))}
            </ol>
          )
        }
      </QueryState>
      {rights.record ? (
        <FormDetails summary="Log a decision" label="Log a decision" onSubmit={submit}>
          <TextInput
            label="What was decided"
            required
            maxLength={2000}
            value={what}
            onChange={setWhat}
          />
          <TextArea label="Why" required value={why} onChange={setWhy} />
          <TextArea
            label="Alternatives considered (optional)"
            value={alternatives}
            onChange={setAlternatives}
          />
          <TextInput
            label="Decided by"
            required
            maxLength={300}
            value={decidedBy}
            onChange={setDecidedBy}
          />
          <Submit change={change}>Log decision</Submit>
        </FormDetails>
      ) : null}
    </section>
  );
}

const VISIBILITY = {
  internal: 'Internal: staff only',
  reporter: 'Reporter: staff and the reporter, in their portal',
  public: 'Public: anyone, on the status page',
} as const;
type Visibility = keyof typeof VISIBILITY;

export function NotesSection({ detail, rights }: SectionProps) {
  const change = useIncidentChange(detail.incident);
  const [text, setText] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('internal');
  if (!rights.note) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void change.run('/notes', { text, visibility }).then((ok) => {
      if (ok) {
        setText('');
        setVisibility('internal');
      }
    });
  };
  return (
    <section aria-labelledby="notes-heading" className="panel">
      <h2 id="notes-heading">Add a note</h2>
      <form onSubmit={submit} aria-label="Add a note">
        <TextArea
          label="Note"
          help="Notes appear in the timeline below."
          required
          value={text}
          onChange={setText}
        />
        <fieldset>
          <legend>Who may read it</legend>
          {(Object.keys(VISIBILITY) as Visibility[]).map((v) => (
            <label key={v} className="choice block">
              <input
                type="radio"
                name="note-visibility"
                checked={visibility === v}
                onChange={() => setVisibility(v)}
              />
              {VISIBILITY[v]}
            </label>
          ))}
        </fieldset>
        <Submit change={change}>Add note</Submit>
      </form>
    </section>
  );
}

/** Kinds of events the timeline can be narrowed to (the API filters by event type). */
const KINDS = {
  notes: { label: 'Notes', types: ['note_added'] },
  phases: {
    label: 'Phases and steps',
    types: [
      'opened',
      'updated',
      'phase_changed',
      'milestone_recorded',
      'handed_off',
      'tracker_issue_changed',
      'reports_linked',
      'reports_unlinked',
    ],
  },
  panel: {
    label: 'Panel, severity, decisions',
    types: [
      'panel_convened',
      'panel_vote_recorded',
      'decision_recorded',
      'decision_reopened',
      'severity_set',
      'de_escalated',
      'decision_logged',
    ],
  },
  people: {
    label: 'Owner and roles',
    types: [
      'owner_assigned',
      'participant_added',
      'role_assigned',
      'role_released',
      'reproduction_recorded',
    ],
  },
  work: {
    label: 'Tasks and containment',
    types: [
      'task_added',
      'task_updated',
      'containment_recorded',
      'containment_reverted',
      'containment_kept',
    ],
  },
  line: { label: 'The line', types: ['line_stopped', 'line_resumed'] },
  continuity: {
    label: 'Manual fallback',
    types: ['continuity_step_ticked', 'continuity_step_unticked'],
  },
  alerts: { label: 'Alerts from monitoring', types: ['alert_attached', 'alert_resolved'] },
  clocks: {
    label: 'Deadlines',
    types: ['deadline_reminded', 'deadline_breached', 'deadline_escalated', 'deadline_met'],
  },
} as const;
type Kind = keyof typeof KINDS;

type Item = z.infer<typeof Timeline>['items'][number];

export function TimelineSection({ detail, rights }: SectionProps) {
  const { incident } = detail;
  const { nameOf } = useStaff();
  const [kinds, setKinds] = useState<Kind[]>([]);
  const type = kinds.flatMap((k) => KINDS[k].types.map((t) => `incident.${t}`)).join(',');
  const timeline = useInfiniteQuery({
    queryKey: [...keys.incident(incident.key), 'timeline', type],
    queryFn: ({ pageParam }) =>
      request<z.infer<typeof Timeline>>(
        `/incidents/${encodeURIComponent(incident.key)}/timeline${query({ type, after: pageParam, limit: 50 })}`,
      ),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextAfter ?? undefined,
  });
  // A panel member who has not voted sees that votes were cast, not how (as in the panel).
  const member = incident.panelMembers.some((m) => m.userId === rights.me);
  const hideVotes =
    member &&
    incident.criticality === null &&
    !incident.votes.some((v) => v.memberId === rights.me);
  const items = timeline.data?.pages.flatMap((p) => p.items) ?? [];
  const toggle = (k: Kind) =>
    setKinds(kinds.includes(k) ? kinds.filter((x) => x !== k) : [...kinds, k]);

  return (
    <section aria-labelledby="timeline-heading" className="panel">
      <h2 id="timeline-heading">Timeline</h2>
      <fieldset className="kinds">
        <legend>Show only (none ticked shows everything)</legend>
        {(Object.keys(KINDS) as Kind[]).map((k) => (
          <label key={k} className="choice">
            <input type="checkbox" checked={kinds.includes(k)} onChange={() => toggle(k)} />
            {KINDS[k].label}
          </label>
        ))}
      </fieldset>
      {timeline.isPending ? (
        <p className="loading">Loading the timeline…</p>
      ) : timeline.error ? (
        <ErrorMessage error={timeline.error} />
      ) : items.length === 0 ? (
        <Empty>Nothing of this kind yet.</Empty>
      ) : (
        <ol className="timeline" data-testid="timeline">
          {items.map((e) => (
            <li key={e.seq}>
              <time dateTime={e.at}>{formatTime(e.at)}</time>{' '}
              <span className="muted">{e.actorId ? nameOf(e.actorId) : 'Stopline'}</span>
              {e.visibility !== 'internal' ? (
                <span className="badge">{humanize(e.visibility)}</span>
              ) : null}
              <p>{describe(e, nameOf, hideVotes)}</p>
            </li>
          ))}
        </ol>
      )}
      {timeline.hasNextPage ? (
        <button
          type="button"
          className="secondary"
          disabled={timeline.isFetchingNextPage}
          onClick={() => void timeline.fetchNextPage()}
        >
          {timeline.isFetchingNextPage ? 'Loading…' : 'Show later events'}
        </button>
      ) : null}
    </section>
  );
}

const text = (v: unknown) =>
  typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v);

/** One event in words. Text from the event is shown as text (React escapes it). */
function describe(e: Item, nameOf: (id: string | null) => string, hideVotes: boolean): string {
  const d = e.data;
  const outcome = (v: unknown) => (v === 'critical' ? 'critical' : 'not critical');
  switch (e.type) {
    case 'incident.opened':
      return `Declared: ${text(d.title)}`;
    case 'incident.note_added':
      return text(d.text);
    case 'incident.phase_changed':
      return `Phase moved from ${humanize(text(d.from))} to ${humanize(text(d.to))}`;
    case 'incident.owner_assigned':
      return `Owner: ${nameOf(text(d.ownerId))}${d.how === 'auto' ? ' (assigned automatically)' : ''}`;
    case 'incident.panel_convened':
      return `Panel convened: ${(d.members as { userId: string }[] | undefined)?.map((m) => nameOf(m.userId)).join(', ') ?? ''}`;
    case 'incident.panel_vote_recorded':
      return hideVotes
        ? `${nameOf(text(d.memberId))} voted (shown once you have voted)`
        : `${nameOf(text(d.memberId))} voted ${outcome(d.vote)}: ${text(d.rationale)}`;
    case 'incident.decision_recorded':
      return `Decided ${outcome(d.outcome)} (${humanize(text(d.how))})`;
    case 'incident.decision_reopened':
      return `Decision reopened: ${text(d.reason)}`;
    case 'incident.reproduction_overridden':
      return `Emergency: severity ${text(d.severity)} set before verify & reproduce, by ${nameOf(e.actorId)}: ${text(d.reason)}`;
    case 'incident.severity_set':
      return `Severity ${text(d.severity)}${d.previous ? ` (was ${text(d.previous)})` : ''}: ${text(d.rationale)}`;
    case 'incident.role_assigned':
      return `${humanize(text(d.role))}: ${nameOf(text(d.userId))}`;
    case 'incident.role_released':
      return `${nameOf(text(d.userId))} released from ${humanize(text(d.role))}`;
    case 'incident.task_added':
      return `Task added: ${text(d.title)}`;
    case 'incident.task_updated': {
      const changes = (d.changes ?? {}) as Record<string, unknown>;
      return `Task updated: ${Object.entries(changes)
        .map(
          ([k, v]) =>
            `${humanize(k)} ${k === 'assigneeId' ? nameOf(text(v)) : k === 'dueAt' && typeof v === 'number' ? formatTime(v) : humanize(text(v))}`,
        )
        .join(', ')}`;
    }
    case 'incident.containment_recorded':
      return `Containment: ${humanize(text(d.kind))} — ${text(d.description)}`;
    case 'incident.containment_reverted':
      return `Containment reverted${d.note ? `: ${text(d.note)}` : ''}`;
    case 'incident.containment_kept':
      return `Containment kept: ${text(d.justification)}`;
    case 'incident.decision_logged':
      return `Decision logged: ${text(d.what)}`;
    case 'incident.milestone_recorded':
      return `Step recorded: ${humanize(text(d.milestone))}`;
    case 'incident.line_stopped':
      return `The line stopped: ${text(d.reason)}`;
    case 'incident.line_resumed':
      return `The line runs again: ${text(d.reason)}`;
    case 'incident.continuity_step_ticked':
      return `Fallback step ${text(d.step)} of ${text(d.procedureId)} done: ${text(d.text)}`;
    case 'incident.continuity_step_unticked':
      return `Fallback step ${text(d.step)} of ${text(d.procedureId)} not done: ${text(d.reason)}`;
    case 'incident.de_escalated':
      return `De-escalated from ${text(d.fromSeverity) || 'critical'} to ${text(d.toSeverity)}: ${text(d.rationale)}`;
    case 'incident.handed_off':
      return `Handed off to development: ${text(d.trackerUrl)}`;
    case 'incident.tracker_issue_changed':
      return d.state === 'closed'
        ? `The tracker closed ${text(d.key)}: closing the incident is proposed`
        : `The tracker issue ${text(d.key)} is open again`;
    case 'incident.alert_attached':
      return `${d.opened ? 'Opened by an alert' : 'Alert attached'} from ${text(d.source)}: ${text(d.summary)}${d.ruleId ? ` (rule ${text(d.ruleId)})` : ''}`;
    case 'incident.alert_resolved':
      return `Monitoring resolved an alert from ${text(d.source)}: ${text(d.summary)} (the incident stays open)`;
    case 'incident.reports_linked': {
      const n = Array.isArray(d.reportIds) ? d.reportIds.length : 0;
      return n === 1 ? 'A report was linked' : `${n} reports were linked`;
    }
    case 'incident.reports_unlinked': {
      const n = Array.isArray(d.reportIds) ? d.reportIds.length : 0;
      return n === 1 ? 'A report was unlinked' : `${n} reports were unlinked`;
    }
    case 'incident.participant_added':
      return `Participant added: ${nameOf(text(d.userId))}`;
    case 'incident.updated':
      return `Details edited: ${Object.keys((d.changes ?? {}) as Record<string, unknown>)
        .map((k) => k.replace(/([A-Z])/g, ' $1').toLowerCase())
        .join(', ')}`;
    case 'incident.reproduction_recorded':
      return `Reproduction: ${humanize(text(d.result))}`;
    default: {
      // The clocks' events name the deadline's kind.
      const what = humanize(e.type.replace(/^incident\./, ''));
      return typeof d.kind === 'string' ? `${what}: ${humanize(d.kind)}` : what;
    }
  }
}
