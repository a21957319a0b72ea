// Coordinated disclosure: the words both the server and the console use (issue 16).

/**
 * Where a vulnerability stands: triaged into accepted, duplicate, rejected or informative; an
 * accepted one moves to fix in progress, is embargoed until its disclosure date, then published
 * (and may be withdrawn). Every move is a recorded decision with its reason.
 */
export const VULNERABILITY_STATUSES = [
  'triage',
  'accepted',
  'duplicate',
  'rejected',
  'informative',
  'fix_in_progress',
  'embargoed',
  'published',
  'withdrawn',
] as const;
export type VulnerabilityStatus = (typeof VULNERABILITY_STATUSES)[number];

/** The moves a team may decide by hand; embargoed and published are reached by the embargo. */
export const VULNERABILITY_MOVES: Record<VulnerabilityStatus, readonly VulnerabilityStatus[]> = {
  triage: ['accepted', 'duplicate', 'rejected', 'informative'],
  accepted: ['fix_in_progress', 'duplicate', 'rejected', 'informative'],
  duplicate: ['triage'],
  rejected: ['triage'],
  informative: ['triage'],
  fix_in_progress: ['accepted'],
  embargoed: ['fix_in_progress'],
  published: ['withdrawn'],
  withdrawn: [],
};

/** How the versions of a range are compared: SemVer 2.0, the ecosystem's own order, or commits. */
export const RANGE_TYPES = ['semver', 'ecosystem', 'git'] as const;
export type RangeType = (typeof RANGE_TYPES)[number];

/** CVSS severity ratings, as the CVSS specification names them. */
export const CVSS_RATINGS = ['none', 'low', 'medium', 'high', 'critical'] as const;
export type CvssRating = (typeof CVSS_RATINGS)[number];

/** Kinds of credit, as the CVE Record and OSV name them (with _ for their spaces). */
export const CREDIT_TYPES = [
  'finder',
  'reporter',
  'analyst',
  'coordinator',
  'remediation_developer',
  'remediation_reviewer',
  'remediation_verifier',
  'tool',
  'sponsor',
  'other',
] as const;
export type CreditType = (typeof CREDIT_TYPES)[number];

/** Reference tags, as CVE Record 5.x and OSV share them (lower case here). */
export const REFERENCE_TYPES = [
  'advisory',
  'article',
  'report',
  'fix',
  'package',
  'evidence',
  'web',
] as const;
export type ReferenceType = (typeof REFERENCE_TYPES)[number];
