// Words of the incident lifecycle that the server and the console share.

export const CRITICALITIES = ['critical', 'non_critical'] as const;
export type Criticality = (typeof CRITICALITIES)[number];

export const REPRODUCTION_RESULTS = ['reproduced', 'not_reproduced', 'needs_information'] as const;
export type ReproductionResult = (typeof REPRODUCTION_RESULTS)[number];

/**
 * Steps a policy can make wait for verify & reproduce (`verification.requiredBefore`): convening
 * the panel, voting, setting a severity.
 */
export const VERIFIED_STEPS = ['panel', 'vote', 'severity'] as const;
export type VerifiedStep = (typeof VERIFIED_STEPS)[number];
export const VERIFIED_STEP_WORDS: Record<VerifiedStep, string> = {
  panel: 'convening the panel',
  vote: 'voting on whether it is critical',
  severity: 'setting a severity',
};

export const PANEL_SEATS = ['owner', 'responder', 'security_lead'] as const;
export type PanelSeat = (typeof PANEL_SEATS)[number];

export const TASK_TYPES = [
  'verify',
  'contain',
  'eradicate',
  'recover',
  'communicate',
  'remove_public_disclosure',
  'verify_reporter_identity',
  'follow_up',
  'other',
] as const;
export type TaskType = (typeof TASK_TYPES)[number];

/** Hands-on work on the problem itself, which a communications lead must not carry. */
export const TROUBLESHOOTING_TASK_TYPES: readonly TaskType[] = [
  'verify',
  'contain',
  'eradicate',
  'recover',
];

export const TASK_STATUSES = ['open', 'in_progress', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** What a containment action limited: one of the policy's `containment.kinds` ids. */
export type ContainmentKind = string;

export const CONTAINMENT_STATUSES = ['active', 'reverted', 'kept'] as const;
export type ContainmentStatus = (typeof CONTAINMENT_STATUSES)[number];

/** Steps recorded once, which exit checks look for (later issues attach documents to them). */
export const MILESTONES = [
  'public_disclosure_removed',
  'root_cause_fixed',
  'reporter_informed',
  'post_mortem_recorded',
  'final_report_step_recorded',
  'restoration_validated',
  'service_validated',
  'monitoring_added',
  'phased_return_recorded',
] as const;
export type Milestone = (typeof MILESTONES)[number];

/** Recovery's steps (Kai 4.4): each recorded with its evidence, which may not be left empty. */
export const RECOVERY_STEPS = [
  'restoration_validated',
  'service_validated',
  'monitoring_added',
  'phased_return_recorded',
] as const satisfies readonly Milestone[];
export const isRecoveryStep = (m: Milestone): boolean =>
  (RECOVERY_STEPS as readonly Milestone[]).includes(m);

export const OWNER_ASSIGNMENT = ['manual', 'auto'] as const;
export type OwnerAssignment = (typeof OWNER_ASSIGNMENT)[number];

/** An exercise run as an incident (issue 14, item 7): everything runs for real, but its notices
 * reach its participants only and it is left out of the measures. */
export const EXERCISE_KINDS = ['tabletop', 'red_team', 'drill'] as const;
export type ExerciseKind = (typeof EXERCISE_KINDS)[number];
export const EXERCISE_KIND_WORDS: Record<ExerciseKind, string> = {
  tabletop: 'tabletop exercise',
  red_team: 'red team exercise',
  drill: 'drill',
};
export interface Exercise {
  kind: ExerciseKind;
  /** The scenario it plays, as written by whoever declared it. */
  scenario: string;
  /** What it sets out to show, as entered at declaration (absent: none entered). */
  objectives?: string[] | undefined;
}

/** What the incident page asks the server it may offer (each answered allowed, or why not). */
export const INCIDENT_ACTIONS = [
  'edit',
  'assign_owner',
  'assign_roles',
  'move_phase',
  'de_escalate',
  'hand_off',
] as const;
export type IncidentAction = (typeof INCIDENT_ACTIONS)[number];

/** The kinds of "what you must do now" on an incident, most pressing first. */
export const NEXT_STEP_KINDS = [
  'vote',
  'final_call',
  'take_ownership',
  'task',
  'reproduce',
  'convene_panel',
  'fill_role',
  'clear_blocker',
  'role_duty',
] as const;
export type NextStepKind = (typeof NEXT_STEP_KINDS)[number];

/**
 * The seats on an incident a person can be picked for: owner (incidents.update), a responder on
 * the panel (incidents.assess), the panel's security lead (incidents.decide), an incident role
 * (anyone who can act on the record: incidents.update, incidents.communicate or breach.manage).
 * A read-only viewer holds none.
 */
export const INCIDENT_SEATS = ['owner', 'panel', 'security_lead', 'role'] as const;
export type IncidentSeat = (typeof INCIDENT_SEATS)[number];
