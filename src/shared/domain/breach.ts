// Personal-data breaches: the words both the server and the console use.

/**
 * Determinations a breach record can carry, each a recorded decision (who, when, why):
 * personal data involved, the moment the organisation became aware, high risk to people,
 * a significant incident (NIS2), a material incident (SEC). Regimes start their clocks from them.
 */
export const DETERMINATION_KINDS = [
  'personal_data_involved',
  'became_aware',
  'high_risk',
  'significant',
  'material',
] as const;
export type DeterminationKind = (typeof DETERMINATION_KINDS)[number];

/** How a stage's offset is counted. */
export const STAGE_CALENDARS = [
  'hours',
  'calendar_days',
  'business_days',
  'months',
  'days_after_year_end',
] as const;
export type StageCalendar = (typeof STAGE_CALENDARS)[number];

/**
 * What a stage's condition counts on the record: `people`, its number of people affected;
 * `residents_of_one_place`, the largest count of its residence (one State or country).
 */
export const CONDITION_COUNTS = ['people', 'residents_of_one_place'] as const;
export type ConditionCount = (typeof CONDITION_COUNTS)[number];

export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const BREACH_STATUSES = ['suspected', 'confirmed', 'not_a_breach', 'closed'] as const;
export type BreachStatus = (typeof BREACH_STATUSES)[number];

export const BREACH_NATURES = ['confidentiality', 'integrity', 'availability'] as const;
export type BreachNature = (typeof BREACH_NATURES)[number];

/** What each nature of a breach means, in words (notices and final reports say it so). */
export const BREACH_NATURE_WORDS: Record<BreachNature, string> = {
  confidentiality: 'personal data was disclosed to, or reached by, people who should not have it',
  integrity: 'personal data was changed without authorisation',
  availability: 'personal data was lost or could not be reached',
};

export const RISK_LEVELS = ['none', 'risk', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** How likely harm to people is, and how severe it would be: together they give the risk level. */
export const RISK_LIKELIHOODS = ['remote', 'possible', 'likely'] as const;
export type RiskLikelihood = (typeof RISK_LIKELIHOODS)[number];
export const RISK_SEVERITIES = ['low', 'medium', 'high'] as const;
export type RiskSeverity = (typeof RISK_SEVERITIES)[number];

/** Who a stage's notice is for: an authority, the people affected (e-mailed), the public. */
export const STAGE_AUDIENCES = ['authority', 'individuals', 'public'] as const;
export type StageAudience = (typeof STAGE_AUDIENCES)[number];

/** A notice's life: drafted and edited, approved by the legal role (frozen), sent. */
export const NOTICE_STATUSES = ['draft', 'approved', 'sent'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

/** Parts of a phased submission: the first, more information, the last. */
export const SUBMISSION_PARTS = ['initial', 'additional', 'final'] as const;
export type SubmissionPart = (typeof SUBMISSION_PARTS)[number];
