// A post-mortem's timeline, drawn from the incident's record rather than typed in (issue 14, item
// 3): the record's decisions, phase moves, notices, deadlines met and breached, containment and
// the line, each in words; the post-mortem marks some important and annotates them, and adds
// entries the record does not hold. The measured durations (to acknowledge, to contain, to
// resolve) come from the same record. Pure: the record, the post-mortem and the policy in.
import { AppError } from '../../errors.ts';
import type { Policy } from '../policy/index.ts';
import { learningEvent, type LearningEvent, type TimelineEntryFields } from './learning-events.ts';
import type { PostmortemState } from './learning-state.ts';

/** An event of the incident's record, as the incidents subject answers it. */
export interface RecordEvent {
  seq: number;
  type: string;
  at: number;
  actorId: string | null;
  visibility: string;
  data: Record<string, unknown>;
}

/** The record's events a post-mortem's timeline draws (votes, tasks and roles stay out). */
export const TIMELINE_EVENT_TYPES = [
  'incident.opened',
  'incident.alert_attached',
  'incident.alert_resolved',
  'incident.owner_assigned',
  'incident.reproduction_recorded',
  'incident.decision_recorded',
  'incident.decision_reopened',
  'incident.severity_set',
  'incident.decision_logged',
  'incident.de_escalated',
  'incident.phase_changed',
  'incident.containment_recorded',
  'incident.containment_reverted',
  'incident.containment_kept',
  'incident.containment_hook_answered',
  'incident.line_stopped',
  'incident.line_resumed',
  'incident.note_added',
  'incident.milestone_recorded',
  'incident.handed_off',
  'incident.tracker_issue_changed',
  'incident.deadline_met',
  'incident.deadline_breached',
  'incident.continuity_step_ticked',
  'incident.continuity_step_unticked',
] as const;

/** One line of the timeline: an event of the record, or an entry written by hand. */
export interface TimelineItem {
  source: 'record' | 'entry';
  /** The record event's sequence number (source record). */
  seq: number | null;
  /** The hand-written entry's id (source entry). */
  entryId: string | null;
  at: number;
  /** The record event's type; null for an entry. */
  type: string | null;
  /** The event in words (plain text; an entry's own Markdown). */
  summary: string;
  actorId: string | null;
  important: boolean;
  /** The post-mortem's note on a record event (Markdown); null: none. */
  note: string | null;
}

const text = (v: unknown) => (typeof v === 'string' ? v : v == null ? '' : JSON.stringify(v));
const words = (id: unknown) => text(id).replace(/[_-]+/g, ' ');
const withReason = (lead: string, reason: unknown) =>
  text(reason) ? `${lead}: ${text(reason)}` : lead;

/** A record event in words: the team's own, as plain text (the console and reports escape it). */
export function describeRecordEvent(e: RecordEvent, policy: Pick<Policy, 'phases'>): string {
  const d = e.data;
  const phase = (id: unknown) => policy.phases.find((p) => p.id === id)?.name ?? words(id);
  switch (e.type) {
    case 'incident.opened':
      return `Declared: ${text(d['title'])}`;
    case 'incident.alert_attached':
      return `${d['opened'] ? 'Opened by an alert' : 'Alert attached'} from ${text(d['source'])}: ${text(d['summary'])}`;
    case 'incident.alert_resolved':
      return `Monitoring resolved an alert from ${text(d['source'])}: ${text(d['summary'])}`;
    case 'incident.owner_assigned':
      return d['how'] === 'auto' ? 'Owner assigned automatically' : 'Owner assigned';
    case 'incident.reproduction_recorded':
      return `Verify & reproduce: ${words(d['result'])}`;
    case 'incident.decision_recorded':
      return `Decided ${d['outcome'] === 'critical' ? 'critical' : 'not critical'} (${words(d['how'])})`;
    case 'incident.decision_reopened':
      return withReason('Decision reopened', d['reason']);
    case 'incident.severity_set':
      return withReason(
        `Severity ${text(d['severity'])}${d['previous'] ? ` (was ${text(d['previous'])})` : ''}`,
        d['rationale'],
      );
    case 'incident.decision_logged':
      return withReason(`Decision: ${text(d['what'])}`, d['why']);
    case 'incident.de_escalated':
      return withReason(`De-escalated to ${text(d['toSeverity'])}`, d['rationale']);
    case 'incident.phase_changed':
      return `Phase moved from ${phase(d['from'])} to ${phase(d['to'])}`;
    case 'incident.containment_recorded':
      return `Containment: ${words(d['kind'])}, ${text(d['description'])}`;
    case 'incident.containment_reverted':
      return withReason('Containment reverted', d['note']);
    case 'incident.containment_kept':
      return withReason('Containment kept', d['justification']);
    case 'incident.containment_hook_answered': {
      const call = d['phase'] === 'revert' ? 'Containment revert hook' : 'Containment hook';
      const status = d['status'] === null ? 'no answer' : `HTTP ${text(d['status'])}`;
      if (d['outcome'] === 'ok') return `${call} answered ${status}`;
      if (d['outcome'] === 'skipped') return withReason(`${call} not called`, d['error']);
      return withReason(`${call} failed (${status})`, d['error']);
    }
    case 'incident.line_stopped':
      return withReason('The line stopped', d['reason']);
    case 'incident.line_resumed':
      return withReason('The line runs again', d['reason']);
    case 'incident.note_added': {
      const to = { public: 'Public notice', reporter: 'To the reporter' }[e.visibility];
      return `${to ?? 'Internal update'}: ${text(d['text'])}`;
    }
    case 'incident.milestone_recorded':
      return withReason(`Step recorded: ${words(d['milestone'])}`, d['note']);
    case 'incident.handed_off':
      return `Handed off to development: ${text(d['trackerUrl'])}`;
    case 'incident.tracker_issue_changed':
      return `The tracker issue ${text(d['key'])} is ${text(d['state'])}`;
    case 'incident.deadline_met':
      return `Deadline met: ${words(d['kind'])}`;
    case 'incident.deadline_breached':
      return `Deadline breached: ${words(d['kind'])}`;
    case 'incident.continuity_step_ticked':
      return `Manual fallback ${words(d['procedureId'])}, step ${text(d['step'])} done: ${text(d['text'])}`;
    case 'incident.continuity_step_unticked':
      return withReason(
        `Manual fallback ${words(d['procedureId'])}, step ${text(d['step'])} not done after all`,
        d['reason'],
      );
    default:
      return words(e.type.replace(/^incident\./, ''));
  }
}

/** The timeline: the record's events as the post-mortem reads them, with its own entries, by time. */
export function drawTimeline(
  record: readonly RecordEvent[],
  postmortem: Pick<PostmortemState, 'timelineMarks' | 'timelineEntries'>,
  policy: Pick<Policy, 'phases'>,
): TimelineItem[] {
  const drawn = new Set<string>(TIMELINE_EVENT_TYPES);
  const marks = new Map(postmortem.timelineMarks.map((m) => [m.seq, m]));
  const fromRecord = record
    .filter((e) => drawn.has(e.type))
    .map<TimelineItem>((e) => ({
      source: 'record',
      seq: e.seq,
      entryId: null,
      // A deadline is breached at its due time, whenever the scheduler recorded it.
      at: e.type === 'incident.deadline_breached' ? Number(e.data['dueAt'] ?? e.at) : e.at,
      type: e.type,
      summary: describeRecordEvent(e, policy),
      actorId: e.actorId,
      important: marks.get(e.seq)?.important ?? false,
      note: marks.get(e.seq)?.note ?? null,
    }));
  const entries = postmortem.timelineEntries.map<TimelineItem>((e) => ({
    source: 'entry',
    seq: null,
    entryId: e.id,
    at: e.at,
    type: null,
    summary: e.text,
    actorId: e.addedBy,
    important: e.important,
    note: null,
  }));
  // Stable: at one time, the record's order first, then the entries.
  return [...fromRecord, ...entries].sort((a, b) => a.at - b.at);
}

/** A measured span: when it ended and how long it took; null while it has not happened. */
export interface Span {
  at: number;
  ms: number;
}

export interface IncidentDurations {
  /** Detected (the incident's detection time) when known, else declared. */
  startedAt: number;
  startedFrom: 'detected' | 'declared';
  /** To the response the policy asks for (the response deadline met). */
  toAcknowledge: Span | null;
  /** To the first move past the phase the policy counts as containment (stopTheLine.containedAfterPhase). */
  toContain: Span | null;
  /** To reaching the phase the policy counts as resolved (stopTheLine.resolvedAtPhase). */
  toResolve: Span | null;
}

/** How long acknowledging, containing and resolving took, from the record alone. */
export function measureDurations(
  record: readonly RecordEvent[],
  policy: Pick<Policy, 'phases' | 'stopTheLine'>,
): IncidentDurations | null {
  const opened = record.find((e) => e.type === 'incident.opened');
  if (!opened) return null;
  let detectedAt = opened.data['detectedAt'];
  for (const e of record) {
    const changes = e.type === 'incident.updated' ? (e.data['changes'] as object) : null;
    if (changes && 'detectedAt' in changes) detectedAt = changes.detectedAt;
  }
  const startedFrom = typeof detectedAt === 'number' ? 'detected' : 'declared';
  const startedAt =
    typeof detectedAt === 'number' ? detectedAt : Number(opened.data['declaredAt'] ?? opened.at);
  const index = (phase: unknown) => policy.phases.findIndex((p) => p.id === phase);
  const span = (found: RecordEvent | undefined): Span | null =>
    found ? { at: found.at, ms: Math.max(0, found.at - startedAt) } : null;
  const movedTo = (reached: (to: number) => boolean) =>
    record.find((e) => e.type === 'incident.phase_changed' && reached(index(e.data['to'])));
  const contained = index(policy.stopTheLine.containedAfterPhase);
  const resolved = index(policy.stopTheLine.resolvedAtPhase);
  return {
    startedAt,
    startedFrom,
    toAcknowledge: span(
      record.find((e) => e.type === 'incident.deadline_met' && e.data['kind'] === 'response'),
    ),
    toContain: contained < 0 ? null : span(movedTo((to) => to > contained)),
    toResolve: resolved < 0 ? null : span(movedTo((to) => to >= resolved)),
  };
}

function assertDraft(state: PostmortemState): void {
  if (state.status !== 'draft') {
    throw new AppError(
      'RULE_REFUSED',
      'The timeline changes only while the post-mortem is in draft, like its sections',
      { postmortemStatus: state.status },
    );
  }
}

/** Marks an event of the record important (or not) with an optional note; draft only. */
export function markTimelineEvent(
  state: PostmortemState,
  record: readonly RecordEvent[],
  seq: number,
  important: boolean,
  note: string | null,
): LearningEvent[] {
  const drawn = new Set<string>(TIMELINE_EVENT_TYPES);
  if (!record.some((e) => e.seq === seq && drawn.has(e.type))) {
    throw new AppError('NOT_FOUND', `The timeline has no event ${seq} of ${state.incidentKey}`);
  }
  assertDraft(state);
  const cleaned = note === null || note.trim() === '' ? null : note;
  const current = state.timelineMarks.find((m) => m.seq === seq);
  if ((current?.important ?? false) === important && (current?.note ?? null) === cleaned) return [];
  return [learningEvent('postmortem.timeline_event_marked', { seq, important, note: cleaned })];
}

/** An entry the record does not hold (a call, a discovery), not later than now; draft only. */
export function addTimelineEntry(
  state: PostmortemState,
  input: TimelineEntryFields,
  entryId: string,
  now: number,
): LearningEvent[] {
  if (input.at > now) {
    const message = 'must not be in the future: the timeline tells what happened';
    throw new AppError('VALIDATION', message, { errors: [{ field: 'at', message }] });
  }
  assertDraft(state);
  return [learningEvent('postmortem.timeline_entry_added', { entryId, ...input })];
}

export function removeTimelineEntry(state: PostmortemState, entryId: string): LearningEvent[] {
  if (!state.timelineEntries.some((e) => e.id === entryId)) {
    throw new AppError('NOT_FOUND', 'Timeline entry was not found');
  }
  assertDraft(state);
  return [learningEvent('postmortem.timeline_entry_removed', { entryId })];
}

/** A follow-up the record proposes: a breached deadline, or a step the policy was departed from. */
export interface ProposedFollowUp {
  /** Send it back as the follow-up's `proposalId`: the proposal is then answered. */
  proposalId: string;
  /** What in the record proposes it. */
  because: string;
  at: number;
  title: string;
  type: 'process';
  policySection: 'clocks' | 'verification' | 'phases';
}

/** The record's events the proposals are read from (besides the timeline's). */
export const PROPOSING_EVENT_TYPES = ['incident.reproduction_overridden'] as const;

/** Every event type a proposal is read from. */
export const PROPOSAL_EVENT_TYPES = [
  'incident.deadline_breached',
  'incident.phase_changed',
  ...PROPOSING_EVENT_TYPES,
] as const;

/**
 * Each breached deadline, and each departure from the policy found in the record (a severity set
 * before verify & reproduce; phases skipped), proposes a follow-up of type process naming the
 * policy section; a proposal a follow-up already answers, or one declined, is not offered again.
 */
export function proposeFollowUps(
  record: readonly RecordEvent[],
  postmortem: Pick<PostmortemState, 'followUps' | 'declinedProposals'>,
): ProposedFollowUp[] {
  const answered = new Set([
    ...postmortem.followUps.map((f) => f.proposalId ?? ''),
    ...postmortem.declinedProposals.map((d) => d.proposalId),
  ]);
  return recordProposals(record).filter((p) => !answered.has(p.proposalId));
}

/** Every proposal the record makes, answered or not, oldest first. */
export function recordProposals(record: readonly RecordEvent[]): ProposedFollowUp[] {
  const proposals = new Map<string, ProposedFollowUp>();
  for (const e of record) {
    const d = e.data;
    if (e.type === 'incident.deadline_breached') {
      const what = words(d['kind']);
      proposals.set(`deadline:${text(d['deadlineId'])}`, {
        proposalId: `deadline:${text(d['deadlineId'])}`,
        because: `Deadline breached: ${what}`,
        at: Number(d['dueAt'] ?? e.at),
        title: `Find why the ${what} deadline was missed, and keep it next time`,
        type: 'process',
        policySection: 'clocks',
      });
    } else if (e.type === 'incident.reproduction_overridden') {
      proposals.set(`override:${e.seq}`, {
        proposalId: `override:${e.seq}`,
        because: withReason(
          `Severity ${text(d['severity'])} was set before verify & reproduce`,
          d['reason'],
        ),
        at: e.at,
        title: 'Review the emergency severity set before verify & reproduce',
        type: 'process',
        policySection: 'verification',
      });
    } else if (
      e.type === 'incident.phase_changed' &&
      Array.isArray(d['skipped']) &&
      d['skipped'].length > 0
    ) {
      proposals.set(`skipped:${e.seq}`, {
        proposalId: `skipped:${e.seq}`,
        because: `Phases skipped: ${(d['skipped'] as unknown[]).map(words).join(', ')}`,
        at: e.at,
        title: 'Review why phases of the policy were skipped',
        type: 'process',
        policySection: 'phases',
      });
    }
  }
  return [...proposals.values()];
}
