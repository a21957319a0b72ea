// The exercise gate on the one notice path (issue 14, item 7). A notice about an incident declared
// as an exercise reaches only the exercise's participants, and says EXERCISE in its subject and
// first line; nothing of it reaches an outside recipient (reporters, the people of a breach,
// status subscribers, webhook endpoints). Every notice method of this subject asks here first.
import type { ExerciseKind } from '../../../shared/domain/incidents.ts';
import { EXERCISE_KIND_WORDS } from '../../../shared/domain/incidents.ts';
import type { Executor } from '../../db/schema.ts';

/** An exercise as the gate sees it: its kind and who takes part. */
export interface ExerciseAudience {
  kind: ExerciseKind;
  participantIds: readonly string[];
}

/** What notifications need of the incidents subject: whether an incident is an exercise. */
export interface NoticeExercises {
  /** By incident id or key, in the caller's transaction; null: a real incident (or none). */
  find(tx: Executor, incidentRef: string): Promise<ExerciseAudience | null>;
}

export const EXERCISE_MARK = 'EXERCISE';

/** Whether this person may hear of it: anyone for a real incident, participants for an exercise. */
export function mayHear(exercise: ExerciseAudience | null, userId: string): boolean {
  return exercise === null || exercise.participantIds.includes(userId);
}

/** Outside recipients hear nothing of an exercise. */
export function outsideMayHear(exercise: ExerciseAudience | null): boolean {
  return exercise === null;
}

/** The words of a notice as a participant of an exercise gets them: EXERCISE first, everywhere. */
export function markExercise<
  W extends { subject: string; text: string; html?: string | undefined },
>(exercise: ExerciseAudience | null, words: W): W {
  if (exercise === null) return words;
  const line = `${EXERCISE_MARK}: this is a ${EXERCISE_KIND_WORDS[exercise.kind]}, not a real incident.`;
  return {
    ...words,
    subject: `[${EXERCISE_MARK}] ${words.subject}`.slice(0, 250),
    text: `${line}\n\n${words.text}`,
    ...(words.html === undefined ? {} : { html: `<p><strong>${line}</strong></p>\n${words.html}` }),
  };
}
