// Report statuses and the other fixed lists of the report subject: plain data, no schema
// library, so the console can use them without bundling Zod.
export const REPORT_STATUSES = [
  'received',
  'acknowledged',
  'investigating',
  'resolved',
  'duplicate',
  'not_vulnerability',
  'spam',
] as const;

export const CLOSE_RESOLUTIONS = ['duplicate', 'not_vulnerability', 'spam'] as const;
export const MESSAGE_TYPES = ['general', 'assessment', 'technical_details'] as const;
export const VERIFICATION_METHODS = [
  'call_back_public_number',
  'verified_signed_email',
  'known_contact',
  'other',
] as const;
export const REMOVAL_STATUSES = ['requested', 'removed', 'could_not_be_removed'] as const;
export const MILESTONES = ['assessed', 'fixed', 'disclosed'] as const;
