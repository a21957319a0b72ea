// The final reports (issue 14, item 6), written as Markdown from the incident, its post-mortem and
// its record: the internal one for staff (the facts, the durations, the timeline, every section
// of the post-mortem, the follow-ups), the external one for customers and the public (only what
// was published, the durations and the sections the policy lists for it: never the incident's
// title, summary, people or internal notes). Untrusted text is escaped so that no raw HTML
// reaches whoever renders the file. Pure: everything comes in.
import { BREACH_NATURE_WORDS } from '../../../shared/domain/breach.ts';
import { EXERCISE_KIND_WORDS, type Exercise } from '../../../shared/domain/incidents.ts';
import type { BreachFacts } from '../breach/index.ts';
import { DEFAULT_EXTERNAL_SECTIONS, type Policy } from '../policy/index.ts';
import type { FollowUp, PostmortemState } from './learning-state.ts';
import type { IncidentDurations, RecordEvent, Span, TimelineItem } from './timeline-rules.ts';

export const REPORT_AUDIENCES = ['internal', 'external'] as const;
export type ReportAudience = (typeof REPORT_AUDIENCES)[number];

/** The incident as a report tells it (the incidents subject's state has these fields). */
export interface ReportIncident {
  key: string;
  title: string;
  summary: string;
  severity: string | null;
  criticality: string | null;
  phase: string;
  affectedSystems: readonly string[];
  restricted: boolean;
  exercise: Exercise | null;
  /** Who took part (ids): an exercise's report lists them. */
  participants: readonly string[];
  detectedAt: number | null;
  declaredAt: number;
  closedAt: number | null;
  /** The policy's steps recorded on it (the final-report step among them). */
  milestones: readonly string[];
}

export interface FinalReportInput {
  audience: ReportAudience;
  incident: ReportIncident;
  postmortem: PostmortemState | null;
  /** The post-mortem's timeline, drawn from the record. */
  timeline: readonly TimelineItem[];
  durations: IncidentDurations | null;
  /** The record's events (the public notices are read from it). */
  record: readonly RecordEvent[];
  policy: Pick<Policy, 'phases' | 'learning'>;
  /** A member of staff's name for an id. */
  nameOf: (userId: string | null) => string;
  /**
   * The breach record's facts when personal data was breached (null: none was), or `hidden` when
   * it was but the reader of an internal report may not read the breach record.
   */
  personalData: BreachFacts | 'hidden' | null;
  now: number;
}

/** Text as one line of Markdown: every ASCII punctuation mark escaped, so nothing is markup. */
export function inlineText(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*_{}[\]()#+\-.!|<>~&"']/g, '\\$&');
}

/**
 * Markdown written by staff, kept as Markdown, with raw HTML neutralised: `<` outside code is
 * written as `&lt;`, so a renderer that allows HTML still shows it as text.
 */
export function neutralMarkdown(markdown: string): string {
  let fenced = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^\s{0,3}(```|~~~)/.test(line)) {
        fenced = !fenced;
        return line;
      }
      if (fenced) return line;
      // Code spans keep their text; everything between them loses its angle brackets.
      return line
        .split(/(`+[^`]*`+)/)
        .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, '&lt;')))
        .join('');
    })
    .join('\n');
}

export function formatWhen(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatSpan(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const parts = [d ? `${d} d` : '', h ? `${h} h` : '', m || (!d && !h) ? `${m} min` : ''];
  return parts.filter(Boolean).join(' ');
}

export function durationLines(durations: IncidentDurations | null): string[] {
  if (!durations) return ['No durations: the record has no opening.'];
  const line = (label: string, span: Span | null) =>
    `- ${label}: ${span ? `${formatSpan(span.ms)} (${formatWhen(span.at)})` : 'not yet'}`;
  return [
    `From ${durations.startedFrom === 'detected' ? 'detection' : 'declaration'}, ${formatWhen(durations.startedAt)}:`,
    '',
    line('Time to acknowledge', durations.toAcknowledge),
    line('Time to contain', durations.toContain),
    line('Time to resolve', durations.toResolve),
  ];
}

export function exerciseLines(incident: ReportIncident): string[] {
  if (!incident.exercise) return [];
  const kind = EXERCISE_KIND_WORDS[incident.exercise.kind];
  return [`> **EXERCISE**: this is a ${kind}, not a real incident.`, ''];
}

function sectionLines(section: { title: string; body: string }): string[] {
  const body = section.body.trim();
  return [
    `### ${inlineText(section.title)}`,
    '',
    body ? neutralMarkdown(body) : '_Not answered._',
    '',
  ];
}

const NOT_RECORDED = '_Not yet on the breach record._';

function approximate(a: BreachFacts['people']): string {
  if (a.count === null) return 'not yet known';
  return `${a.estimate ? 'about ' : ''}${a.count.toLocaleString('en-GB')}`;
}

function told(text: string): string {
  return text.trim() ? inlineText(text) : NOT_RECORDED;
}

/**
 * What GDPR Art. 33(3) asks a notification to hold, from the breach record: the nature of the
 * breach, the categories and approximate numbers of people and records, the data protection
 * officer's or other contact point, the likely consequences, the measures taken and proposed.
 */
function personalDataLines(personalData: FinalReportInput['personalData']): string[] {
  if (personalData === null) return [];
  const heading = ['## Personal data breach (GDPR Art. 33(3))', ''];
  if (personalData === 'hidden') {
    return [...heading, 'Personal data was breached: the breach record holds the facts.', ''];
  }
  const f = personalData;
  const when =
    f.occurredFrom === null
      ? 'not yet known'
      : formatWhen(f.occurredFrom) +
        (f.occurredTo === null ? '' : ` to ${formatWhen(f.occurredTo)}`);
  const people = [
    ...f.peopleCategories,
    ...(f.children ? ['children'] : []),
    ...(f.vulnerable ? ['vulnerable people'] : []),
  ];
  return [
    ...heading,
    '### Nature of the breach',
    '',
    ...(f.nature.length === 0
      ? [NOT_RECORDED, '']
      : f.nature.map((n) => `- ${n[0]!.toUpperCase()}${n.slice(1)}: ${BREACH_NATURE_WORDS[n]}`)),
    `- When it occurred: ${when}`,
    '',
    '### People and personal data records concerned',
    '',
    `- Categories of people: ${people.length === 0 ? NOT_RECORDED : people.map(inlineText).join(', ')}`,
    `- Approximate number of people: ${approximate(f.people)}`,
    `- Categories of personal data: ${
      f.dataCategories.length === 0
        ? NOT_RECORDED
        : f.dataCategories
            .map((c) => `${inlineText(c.name)}${c.special ? ' (a special category)' : ''}`)
            .join(', ')
    }`,
    `- Approximate number of records: ${approximate(f.records)}`,
    '',
    '### Data protection officer or other contact point',
    '',
    told(f.contactPoint),
    '',
    '### Likely consequences',
    '',
    told(f.consequences),
    '',
    '### Measures taken or proposed',
    '',
    `- Taken: ${told(f.measuresTaken)}`,
    `- Proposed: ${told(f.measuresProposed)}`,
    '',
  ];
}

/** One follow-up as a list item: title, type, priority, owner by name, due date and status. */
export function followUpLine(f: FollowUp, nameOf: (userId: string | null) => string): string {
  return `- **${inlineText(f.title)}**: ${f.type}, ${f.priority} priority, owner ${inlineText(nameOf(f.ownerId))}, due ${formatWhen(f.dueAt)}, ${f.status.replace('_', ' ')}${f.reason ? ` (${inlineText(f.reason)})` : ''}`;
}

const STATUS_WORDS = {
  draft: 'in draft',
  in_review: 'in review',
  approved: 'approved',
  skipped: 'skipped',
} as const;

function internalReport(input: FinalReportInput): string[] {
  const { incident, postmortem, policy, nameOf } = input;
  const phase = policy.phases.find((p) => p.id === incident.phase)?.name ?? incident.phase;
  const important = input.timeline.filter((i) => i.important);
  const timeline = important.length > 0 ? important : input.timeline;
  const lines = [
    `# Final report: ${incident.key} ${inlineText(incident.title)}`,
    '',
    ...exerciseLines(incident),
    `Internal: for staff only. Written from the record on ${formatWhen(input.now)}.`,
    '',
    '## The incident',
    '',
    `- Severity: ${incident.severity ?? 'not set'}${incident.criticality === 'critical' ? ' (critical)' : ''}`,
    `- Phase: ${inlineText(phase)}`,
    `- Detected: ${incident.detectedAt === null ? 'not known' : formatWhen(incident.detectedAt)}`,
    `- Declared: ${formatWhen(incident.declaredAt)}`,
    `- Closed: ${incident.closedAt === null ? 'not yet' : formatWhen(incident.closedAt)}`,
    ...(incident.affectedSystems.length > 0
      ? [`- Affected systems: ${incident.affectedSystems.map(inlineText).join(', ')}`]
      : []),
    ...(incident.restricted ? ['- Access: restricted to its participants'] : []),
    '',
    ...(incident.summary.trim() ? [inlineText(incident.summary), ''] : []),
    ...personalDataLines(input.personalData),
    '## Measured durations',
    '',
    ...durationLines(input.durations),
    '',
    `## Timeline${important.length > 0 ? ' (the moments marked important)' : ''}`,
    '',
    ...(timeline.length === 0 ? ['Nothing on the timeline.'] : []),
    ...timeline.map(
      (i) =>
        `- ${formatWhen(i.at)}: ${inlineText(i.summary)}${i.note ? ` (note: ${inlineText(i.note)})` : ''}`,
    ),
    '',
  ];
  if (!postmortem) return [...lines, '## Post-mortem', '', 'None has been started.', ''];
  const followUps = postmortem.followUps;
  return [
    ...lines,
    `## Post-mortem (${STATUS_WORDS[postmortem.status]})`,
    '',
    ...(postmortem.status === 'skipped'
      ? [`Skipped: ${inlineText(postmortem.skipReason ?? '')}`, '']
      : postmortem.sections.flatMap(sectionLines)),
    '## Follow-ups',
    '',
    ...(followUps.length === 0 ? ['None.'] : []),
    ...followUps.map((f) => followUpLine(f, nameOf)),
    '',
  ];
}

function externalReport(input: FinalReportInput): string[] {
  const { incident, postmortem, policy } = input;
  const published = input.record.filter(
    (e) => e.type === 'incident.note_added' && e.visibility === 'public',
  );
  const listed = policy.learning.finalReports.externalSections ?? DEFAULT_EXTERNAL_SECTIONS;
  const sections = (postmortem?.status === 'skipped' ? [] : (postmortem?.sections ?? []))
    .filter((s) => listed.includes(s.sectionId))
    .sort((a, b) => listed.indexOf(a.sectionId) - listed.indexOf(b.sectionId));
  return [
    // The incident's key is an internal name (of a restricted incident too): never said outside.
    '# Incident report',
    '',
    ...exerciseLines(incident),
    `For customers and the public. Written on ${formatWhen(input.now)}.`,
    '',
    '## When',
    '',
    `- Declared: ${formatWhen(incident.declaredAt)}`,
    `- Resolved: ${input.durations?.toResolve ? formatWhen(input.durations.toResolve.at) : 'not yet'}`,
    '',
    '## Measured durations',
    '',
    ...durationLines(input.durations),
    '',
    '## Updates we published',
    '',
    ...(published.length === 0 ? ['None.'] : []),
    ...published.map((e) => `- ${formatWhen(e.at)}: ${inlineText(String(e.data['text'] ?? ''))}`),
    '',
    ...personalDataLines(input.personalData),
    ...(sections.length > 0 ? ['## What we learned', '', ...sections.flatMap(sectionLines)] : []),
  ];
}

/** The report for its audience, as Markdown (CommonMark). */
export function writeFinalReport(input: FinalReportInput): string {
  return joinLines(input.audience === 'internal' ? internalReport(input) : externalReport(input));
}

/** Lines as one Markdown document: no run of blank lines, one newline at the end. */
export function joinLines(lines: readonly string[]): string {
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}
