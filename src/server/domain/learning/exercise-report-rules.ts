// An exercise's report (issue 14, item 7), pure: which objectives it holds (entered at declaration,
// else the list under the scenario's "Objectives" heading), judging each met or not with a note,
// completing it once every one is judged, and the report as Markdown. Everything says EXERCISE.
import { AppError } from '../../errors.ts';
import { EXERCISE_KIND_WORDS, type Exercise } from '../../../shared/domain/incidents.ts';
import type { ExerciseReportEvent, ObjectiveFields } from './exercise-report-events.ts';
import type { ExerciseReportState } from './exercise-report-state.ts';
import type { FollowUp } from './learning-state.ts';
import type { IncidentDurations } from './timeline-rules.ts';
import {
  durationLines,
  followUpLine,
  formatWhen,
  inlineText,
  joinLines,
  neutralMarkdown,
} from './final-report-rules.ts';

const ev = <T extends ExerciseReportEvent['type']>(
  type: T,
  data: Extract<ExerciseReportEvent, { type: T }>['data'],
) => ({ type, data, visibility: 'internal' }) as Extract<ExerciseReportEvent, { type: T }>;

/**
 * The objectives an exercise sets out with: those entered at declaration, else the items of the
 * first list under a heading that says "Objectives" in its scenario.
 */
export function objectivesOf(exercise: Exercise): string[] {
  const entered = (exercise.objectives ?? []).map((o) => o.trim()).filter(Boolean);
  if (entered.length > 0) return entered;
  const found: string[] = [];
  let inside = false;
  for (const line of exercise.scenario.split('\n')) {
    const heading = /^\s{0,3}#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      if (inside) break;
      inside = /objectives?/i.test(heading[1]!);
      continue;
    }
    const item = inside ? /^\s{0,3}(?:[-*+]|\d+[.)])\s+(.*\S)\s*$/.exec(line) : null;
    if (item) found.push(item[1]!);
  }
  return found.slice(0, 30);
}

export function startExerciseReport(
  incident: { id: string; key: string },
  objectives: readonly ObjectiveFields[],
): ExerciseReportEvent[] {
  return [
    ev('exercise_report.started', {
      incidentId: incident.id,
      incidentKey: incident.key,
      objectives: [...objectives],
    }),
  ];
}

function stillOpen(state: ExerciseReportState) {
  if (state.status === 'completed') {
    throw new AppError(
      'RULE_REFUSED',
      'The exercise report is completed; reopen it (with a reason) to change it',
      { status: state.status },
    );
  }
}

export function addObjective(
  state: ExerciseReportState,
  objective: ObjectiveFields,
): ExerciseReportEvent[] {
  stillOpen(state);
  if (state.objectives.length >= 30) {
    throw new AppError('VALIDATION', 'An exercise report holds at most 30 objectives', {
      errors: [{ field: 'text', message: 'at most 30 objectives' }],
    });
  }
  return [ev('exercise_report.objective_added', objective)];
}

export function assessObjective(
  state: ExerciseReportState,
  objectiveId: string,
  met: boolean,
  note: string,
): ExerciseReportEvent[] {
  const objective = state.objectives.find((o) => o.id === objectiveId);
  if (!objective) {
    throw new AppError('NOT_FOUND', 'The exercise report has no such objective', { objectiveId });
  }
  stillOpen(state);
  if (objective.met === met && objective.note === note) return [];
  return [ev('exercise_report.objective_assessed', { objectiveId, met, note })];
}

/** Completed once it has objectives and every one is judged met or not. */
export function completeExerciseReport(
  state: ExerciseReportState,
  summary: string,
): ExerciseReportEvent[] {
  stillOpen(state);
  if (state.objectives.length === 0) {
    throw new AppError('RULE_REFUSED', 'The exercise report has no objectives to judge', {
      errors: [{ field: 'objectives', message: 'add at least one objective' }],
    });
  }
  const unjudged = state.objectives.filter((o) => o.met === null);
  if (unjudged.length > 0) {
    throw new AppError(
      'RULE_REFUSED',
      `Every objective must be judged met or not met before the report is completed: ${unjudged
        .map((o) => `"${o.text}"`)
        .join(', ')}`,
      {
        errors: unjudged.map((o) => ({
          field: `objectives.${o.id}`,
          message: 'not judged met or not met',
        })),
      },
    );
  }
  return [ev('exercise_report.completed', { summary })];
}

export function reopenExerciseReport(
  state: ExerciseReportState,
  reason: string,
): ExerciseReportEvent[] {
  if (state.status !== 'completed') {
    throw new AppError('RULE_REFUSED', 'The exercise report is not completed', {
      status: state.status,
    });
  }
  return [ev('exercise_report.reopened', { reason })];
}

/** What the Markdown report is written from; everything comes in. */
export interface ExerciseReportInput {
  incident: { key: string; title: string; exercise: Exercise; declaredAt: number };
  report: ExerciseReportState;
  participants: readonly string[];
  durations: IncidentDurations | null;
  followUps: readonly FollowUp[];
  nameOf: (userId: string | null) => string;
  now: number;
}

const JUDGEMENT = (met: boolean | null) =>
  met === null ? 'Not judged yet' : met ? 'Met' : 'Not met';

/** The exercise's report as Markdown: every typed text escaped, EXERCISE said at the top. */
export function writeExerciseReport(input: ExerciseReportInput): string {
  const { incident, report, nameOf } = input;
  const kind = EXERCISE_KIND_WORDS[incident.exercise.kind];
  const met = report.objectives.filter((o) => o.met === true).length;
  return joinLines([
    `# EXERCISE report: ${incident.key} ${inlineText(incident.title)}`,
    '',
    `> **EXERCISE**: this is a ${kind}, not a real incident.`,
    '',
    report.status === 'completed' && report.completedAt !== null
      ? `Completed by ${inlineText(nameOf(report.completedBy))} on ${formatWhen(report.completedAt)}.`
      : `Draft: not completed yet. Written from the record on ${formatWhen(input.now)}.`,
    '',
    `Declared ${formatWhen(incident.declaredAt)}.`,
    '',
    '## Scenario',
    '',
    neutralMarkdown(incident.exercise.scenario.trim()),
    '',
    `## Objectives (${met} of ${report.objectives.length} met)`,
    '',
    ...(report.objectives.length === 0 ? ['None.'] : []),
    ...report.objectives.map(
      (o) =>
        `- **${JUDGEMENT(o.met)}**: ${inlineText(o.text)}${o.note.trim() ? `: ${inlineText(o.note)}` : ''}`,
    ),
    '',
    ...(report.summary.trim()
      ? ['## Summary', '', neutralMarkdown(report.summary.trim()), '']
      : []),
    '## Participants',
    '',
    ...(input.participants.length === 0 ? ['None recorded.'] : []),
    ...input.participants.map((id) => `- ${inlineText(nameOf(id))}`),
    '',
    '## Measured durations',
    '',
    ...durationLines(input.durations),
    '',
    '## Follow-ups',
    '',
    ...(input.followUps.length === 0 ? ['None.'] : []),
    ...input.followUps.map((f) => followUpLine(f, nameOf)),
    '',
  ]);
}
