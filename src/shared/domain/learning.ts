// Words of the learning subject both the server and the console use.

/** A post-mortem is written (draft), reviewed (in_review), then approved; review may send it back. */
export const POSTMORTEM_STATUSES = ['draft', 'in_review', 'approved'] as const;
export type PostmortemStatus = (typeof POSTMORTEM_STATUSES)[number];
