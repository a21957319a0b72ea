// The policy's learning section: the post-mortem every incident may get, as the team's template
// (its sections, which are required before review) and who may approve it. A policy that leaves
// the section out gets Kundo step 8's eight questions and the usual impact, timeline, root cause
// and contributing factors.
import { z } from 'zod';
import { PROGRAMME_ITEM_KINDS } from '../../../shared/domain/learning.ts';

const id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'must be 1-40 letters, digits, "_" or "-"');
const text = (max = 2000) => z.string().trim().min(1, 'must not be empty').max(max);

export const PostmortemSection = z.strictObject({
  id,
  /** The heading, or the question the section answers. */
  title: text(300),
  /** A hint for the writer: what a good answer covers. */
  prompt: text().optional(),
  /** Must be answered before the post-mortem goes to review. */
  required: z.boolean().default(true),
});
export type PostmortemSection = z.output<typeof PostmortemSection>;

/**
 * Kundo step 8, word for word as the reference policy asks them, then the sections most
 * post-mortem templates add. The timeline is optional: the incident's record holds it.
 */
export const DEFAULT_POSTMORTEM_SECTIONS: z.input<typeof PostmortemSection>[] = [
  { id: 'circumstances', title: 'Under which circumstances did the incident occur?' },
  { id: 'what_happened', title: 'What happened and how did Kundo respond?' },
  { id: 'what_went_wrong', title: 'What went wrong? What checks failed?' },
  { id: 'how_we_failed', title: 'In what way did or processes and technology fail?' },
  { id: 'what_worked', title: 'In what way did or processes and technology work well?' },
  {
    id: 'planned_changes',
    title: 'Based on this: what changes to processes or technology are we planning to do?',
  },
  {
    id: 'spread_knowledge',
    title: 'Does knowledge about this issue need to be spead wider within the company?',
  },
  {
    id: 'documented',
    title: "Has the issue been documented according to what it's severity demands?",
  },
  {
    id: 'impact',
    title: 'Impact',
    prompt: 'Who and what was affected, for how long, and how much.',
  },
  {
    id: 'timeline',
    title: 'Timeline',
    prompt: 'The important moments, from the first sign to the all-clear.',
    required: false,
  },
  { id: 'root_cause', title: 'Root cause', prompt: 'Why it happened, not only what happened.' },
  {
    id: 'contributing_factors',
    title: 'Contributing factors',
    prompt: 'What made it more likely, larger or slower to find.',
    required: false,
  },
];

export const Postmortem = z
  .strictObject({
    description: text().default(
      'The people involved in handling an incident summarise it in a post-mortem that answers the questions below.',
    ),
    /** The template: a new post-mortem gets these sections, in this order. */
    sections: z
      .array(PostmortemSection)
      .min(1, 'needs at least one section')
      .max(50)
      .default(DEFAULT_POSTMORTEM_SECTIONS.map((s) => PostmortemSection.parse(s))),
    /** Whoever sent a post-mortem to review may also approve it (false: a second person must). */
    authorMayApprove: z.boolean().default(false),
    /** How many different people approve it (each approval is recorded). */
    approvals: z.number().int().min(1).max(10).default(1),
    /**
     * When an incident may not close without an approved post-mortem: any one of these. Left out:
     * never (a post-mortem may still be held).
     */
    requiredWhen: z
      .strictObject({
        /** Incidents of these severities. */
        severities: z.array(id).max(50).default([]),
        /** A deadline of the incident was breached (its record holds a breach). */
        deadlineBreached: z.boolean().default(false),
        /** The breach record determined a personal-data breach. */
        dataBreached: z.boolean().default(false),
        /** The line stopped for the incident, even once. */
        lineStopped: z.boolean().default(false),
      })
      .prefault({}),
    /**
     * Who may skip it with a recorded reason: never; only when it is not required (the record
     * says why none was held); or always (a required one too).
     */
    mayBeSkipped: z.enum(['never', 'when_not_required', 'always']).default('when_not_required'),
    /**
     * A required post-mortem's draft is due this many business days (Monday to Friday, UTC) after
     * the incident is resolved: a deadline that reminds and escalates like any other. Left out: no
     * clock.
     */
    draftDueInBusinessDays: z.number().int().min(1).max(60).optional(),
  })
  .superRefine((postmortem, ctx) => {
    const seen = new Set<string>();
    postmortem.sections.forEach((s, i) => {
      if (seen.has(s.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['sections', i, 'id'],
          message: `duplicate section id "${s.id}"`,
        });
      }
      seen.add(s.id);
    });
  });

/** The sections an external report holds when the policy names none (those the template has). */
export const DEFAULT_EXTERNAL_SECTIONS = ['impact', 'root_cause', 'planned_changes'];

/**
 * The final reports by audience: the internal one holds every section of the post-mortem; the
 * external one (customers, the public) only the sections listed here, in this order.
 */
export const FinalReports = z.strictObject({
  externalSections: z.array(id).max(50).optional(),
});

/**
 * What the programme holds besides incidents (Kai section 10): exercises, which are run as
 * incidents declared as exercises, and process reviews, staff training and external tests, which
 * are recorded with their date, who took part, a summary and the evidence.
 */
export const PROGRAMME_KINDS = PROGRAMME_ITEM_KINDS;
export type ProgrammeKind = (typeof PROGRAMME_KINDS)[number];

/**
 * One item of the schedule: something of `kind` is due once in every period of `everyMonths`
 * calendar months (3: each quarter, 12: each year, counted from January, UTC). Each period is a
 * deadline that reminds and escalates like any other; holding one meets it and starts the next.
 */
export const ScheduleItem = z.strictObject({
  id,
  kind: z.enum(PROGRAMME_KINDS),
  /** What it is called on the calendar and in reminders. */
  title: text(200),
  everyMonths: z.union([z.literal(1), z.literal(3), z.literal(6), z.literal(12)], {
    error: 'must be 1, 3, 6 or 12',
  }),
  description: text().optional(),
});
export type ScheduleItem = z.output<typeof ScheduleItem>;

/**
 * What an exercise ends with (issue 14, item 7): a report judging each objective met or not. By
 * default an exercise does not close until its report is completed: an exercise whose lessons are
 * not written down was only rehearsal.
 */
export const Exercises = z.strictObject({
  reportRequiredToClose: z.boolean().default(true),
});

export const Learning = z
  .strictObject({
    description: text().default(
      'Every incident ends in learning: a post-mortem, and changes to the process from its lessons.',
    ),
    postmortem: Postmortem.prefault({}),
    finalReports: FinalReports.prefault({}),
    exercises: Exercises.prefault({}),
    /** Exercises and reviews the policy schedules; left out: none. */
    schedule: z.array(ScheduleItem).max(30).default([]),
  })
  .superRefine((learning, ctx) => {
    const items = new Set<string>();
    learning.schedule.forEach((item, i) => {
      if (items.has(item.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['schedule', i, 'id'],
          message: `duplicate schedule id "${item.id}"`,
        });
      }
      items.add(item.id);
    });
    const sections = new Set(learning.postmortem.sections.map((s) => s.id));
    learning.finalReports.externalSections?.forEach((sectionId, i) => {
      if (!sections.has(sectionId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['finalReports', 'externalSections', i],
          message: `"${sectionId}" is not a section of the post-mortem's template`,
        });
      }
    });
  });
export type Learning = z.output<typeof Learning>;
