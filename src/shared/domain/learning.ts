// Words of the learning subject both the server and the console use.

/**
 * A post-mortem is written (draft), reviewed (in_review), then approved; review may send it back.
 * Skipped: none is held, for a reason recorded (where the policy allows it).
 */
export const POSTMORTEM_STATUSES = ['draft', 'in_review', 'approved', 'skipped'] as const;
export type PostmortemStatus = (typeof POSTMORTEM_STATUSES)[number];

/** What a follow-up action does about the lessons (the usual post-mortem action kinds). */
export const FOLLOW_UP_TYPES = ['mitigate', 'prevent', 'detect', 'process', 'training'] as const;
export type FollowUpType = (typeof FOLLOW_UP_TYPES)[number];

export const FOLLOW_UP_PRIORITIES = ['high', 'medium', 'low'] as const;
export type FollowUpPriority = (typeof FOLLOW_UP_PRIORITIES)[number];

/** Open until done, or not done with a recorded reason. */
export const FOLLOW_UP_STATUSES = ['open', 'done', 'not_doing'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

/** The policy sections a process follow-up may propose to change (the loop back to the policy). */
export const POLICY_SECTIONS = [
  'severities',
  'criticality',
  'panel',
  'roles',
  'phases',
  'stopTheLine',
  'verification',
  'reporters',
  'security',
  'clocks',
  'containment',
  'breach',
  'learning',
] as const;
export type PolicySection = (typeof POLICY_SECTIONS)[number];

/** What the policy's schedule holds (learning.schedule, Kai section 10): exercises, declared as
 * incidents, and what is recorded with its date and evidence. */
export const PROGRAMME_ITEM_KINDS = [
  'tabletop',
  'red_team',
  'drill',
  'process_review',
  'training',
  'external_test',
] as const;
/** Recorded through /api/v1/programme/activities; exercises are declared as incidents. */
export const RECORDED_ACTIVITY_KINDS = ['process_review', 'training', 'external_test'] as const;
