// A person's iCalendar feed (issue 14, item 8): what they may see of the deadlines, the follow-ups
// due and the policy's schedule of exercises and reviews, as calendar entries. The feed's URL
// carries a secret instead of a session; whoever holds it reads as its owner reads now, and an
// unknown, rotated or revoked secret, or an account no longer active, finds nothing (404).
import type { Clock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { CONSOLE_BASE, consolePath } from '../../../shared/domain/console-paths.ts';
import {
  EXERCISE_KIND_WORDS,
  EXERCISE_KINDS,
  type ExerciseKind,
} from '../../../shared/domain/incidents.ts';
import { can, type Actor } from '../actor.ts';

/** One entry of the feed: a moment something is due. */
export interface CalendarEntry {
  /** Stable across fetches: the same deadline, follow-up or period keeps its UID. */
  uid: string;
  /** When it is due (epoch ms, UTC). */
  at: number;
  /** Plain text; an exercise's says EXERCISE first. */
  summary: string;
  description: string;
  /** Its page in the console. */
  url: string;
  categories: string[];
}

/** What the feed needs of the accounts subject: who a feed secret reads as. */
export interface CalendarFeeds {
  /** Null: unknown, rotated or revoked, or its account is not active. */
  authenticate(token: string): Promise<Actor | null>;
}

/** An open deadline as the clocks name it to this reader. */
export interface CalendarDeadline {
  deadline: {
    id: string;
    kind: string;
    dueAt: number;
    subjectType: 'incident' | 'report' | 'vulnerability' | 'programme' | 'follow_up';
    subjectId: string;
  };
  /** What is due, in words ("respond to the incident"). */
  task: string;
  /** The subject as a notice to this reader names it; title null: they may not see it. */
  subject: { key: string; title: string | null };
}

/** What the feed needs of the clocks: the open deadlines the actor may see, and their own. */
export interface CalendarDeadlines {
  listForCalendar(actor: Actor, limit: number): Promise<CalendarDeadline[]>;
}

/** What the feed needs of the learning subject: follow-ups and the schedule. */
export interface CalendarLearning {
  /** Open follow-ups of the incidents the actor may see (ownerId: only theirs). */
  listFollowUps(
    actor: Actor,
    filter: { status: 'open'; ownerId?: string; limit: number },
  ): Promise<
    readonly {
      id: string;
      title: string;
      dueAt: number;
      ownerId: string;
      type: string;
      /** Null for a stand-alone follow-up (no post-mortem holds it). */
      incidentId: string | null;
      incidentKey: string | null;
    }[]
  >;
  /** The policy's schedule: each item with its periods (deadlines). */
  listSchedule(actor: Actor): Promise<
    readonly {
      id: string;
      kind: string;
      title: string;
      everyMonths: number;
      periods: readonly { period: string; dueAt: number; status: string }[];
    }[]
  >;
}

export interface CalendarPorts {
  clock: Clock;
  /** STOPLINE_BASE_URL: each entry links to its page in the console. */
  baseUrl: string;
  feeds: CalendarFeeds;
  deadlines: CalendarDeadlines;
  learning: CalendarLearning;
  /** The incidents declared as exercises: their deadlines and follow-ups say EXERCISE. */
  listExerciseIds(): Promise<readonly string[]>;
}

const LIMIT = 1000;
const EXERCISE = new Set<string>(EXERCISE_KINDS);
const OPEN = new Set(['pending', 'paused']);

/** A title on one line (calendar apps show a summary as one): breaks become spaces. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function iso(ms: number) {
  return new Date(ms).toISOString();
}

export function createCalendarService(ports: CalendarPorts) {
  const { baseUrl } = ports;
  const link = (path: string) => `${baseUrl}${CONSOLE_BASE}${path}`;

  function deadlineEntries(list: readonly CalendarDeadline[], exercises: ReadonlySet<string>) {
    return (
      list
        // Follow-ups and the schedule have entries of their own, with their titles.
        .filter((d) => d.deadline.kind !== 'follow_up_due' && d.deadline.kind !== 'schedule_due')
        .map(({ deadline: d, task, subject }): CalendarEntry => {
          const exercise = d.subjectType === 'incident' && exercises.has(d.subjectId);
          const named =
            subject.title === null
              ? `${subject.key} (restricted ${d.subjectType})`
              : `${subject.key} ${oneLine(subject.title)}`;
          return {
            uid: `deadline-${d.id}`,
            at: d.dueAt,
            summary: `${exercise ? 'EXERCISE: ' : ''}Due: ${task} — ${named}`,
            description:
              `${exercise ? 'EXERCISE: this incident is an exercise.\n' : ''}` +
              `The deadline to ${task} is ${iso(d.dueAt)}.`,
            url: link(consolePath.subject({ type: d.subjectType, key: subject.key })),
            categories: exercise ? ['Deadline', 'EXERCISE'] : ['Deadline'],
          };
        })
    );
  }

  return {
    /** The feed's entries, soonest first; NOT_FOUND for a secret that reads as nobody. */
    async feed(token: string): Promise<CalendarEntry[]> {
      const actor = await ports.feeds.authenticate(token);
      if (!actor || !actor.userId)
        throw new AppError('NOT_FOUND', 'The calendar feed was not found');
      const exercises = new Set(await ports.listExerciseIds());
      const entries = deadlineEntries(
        await ports.deadlines.listForCalendar(actor, LIMIT),
        exercises,
      );

      // Every open follow-up for those who may read the Follow-ups page; their own otherwise.
      const followUps = await ports.learning.listFollowUps(actor, {
        status: 'open',
        limit: LIMIT,
        ...(can(actor, 'learning.read') ? {} : { ownerId: actor.userId }),
      });
      for (const f of followUps) {
        if (f.incidentKey === null) {
          entries.push({
            uid: `follow-up-${f.id}`,
            at: f.dueAt,
            summary: `Follow-up due: ${oneLine(f.title)}`,
            description: `A stand-alone ${f.type} follow-up, due ${iso(f.dueAt)}.`,
            url: link(consolePath.subject({ type: 'follow_up', key: f.id })),
            categories: ['Follow-up'],
          });
          continue;
        }
        const exercise = exercises.has(f.incidentId ?? '');
        entries.push({
          uid: `follow-up-${f.id}`,
          at: f.dueAt,
          summary: `${exercise ? 'EXERCISE: ' : ''}Follow-up due: ${oneLine(f.title)} — ${f.incidentKey}`,
          description:
            `${exercise ? 'EXERCISE: this incident is an exercise.\n' : ''}` +
            `A ${f.type} follow-up of ${f.incidentKey}'s post-mortem, due ${iso(f.dueAt)}.`,
          url: link(consolePath.incident(f.incidentKey)),
          categories: exercise ? ['Follow-up', 'EXERCISE'] : ['Follow-up'],
        });
      }

      if (can(actor, 'learning.read')) {
        for (const item of await ports.learning.listSchedule(actor)) {
          const exercise = EXERCISE.has(item.kind);
          const words = exercise ? EXERCISE_KIND_WORDS[item.kind as ExerciseKind] : null;
          for (const p of item.periods.filter((x) => OPEN.has(x.status))) {
            entries.push({
              uid: `schedule-${item.id}-${p.period}`,
              at: p.dueAt,
              summary: exercise
                ? `EXERCISE: ${oneLine(item.title)} (${words})`
                : `Due: ${oneLine(item.title)}`,
              description:
                `${exercise ? `EXERCISE: a ${words} the policy schedules, not a real incident.\n` : ''}` +
                `Scheduled by the policy every ${item.everyMonths} month(s): the period from ` +
                `${p.period} is due ${iso(p.dueAt)}.`,
              url: link(consolePath.subject({ type: 'programme', key: item.id })),
              categories: exercise ? ['Schedule', 'EXERCISE'] : ['Schedule'],
            });
          }
        }
      }
      return entries.sort((a, b) => a.at - b.at || a.uid.localeCompare(b.uid));
    },
  };
}
