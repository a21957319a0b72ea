// The policy's retention section (issue 19, item 5): how long after a report is closed (and the
// incident it is linked to, if any) its personal data is kept before housekeeping redacts it.
// Breach contact lists keep their own rule (breach.contactListRetentionDays).
import { z } from 'zod';

const days = (fallback: number) =>
  z
    .number({ error: 'must be a whole number of days, 0 or more' })
    .int('must be a whole number of days, 0 or more')
    .min(0, 'must be a whole number of days, 0 or more')
    .max(36_500, 'must be at most 36500 days (100 years)')
    .default(fallback);

export const Retention = z.strictObject({
  /** The reporter's name, address, phone and OpenPGP key on the report. */
  reporterContactDays: days(180),
  /** The files reporters sent (their bytes; the record keeps name, size and SHA-256). */
  attachmentDays: days(180),
  /** Inbound e-mail as received and its sender's details; mail filed as nothing: after receipt. */
  mailDays: days(90),
});
export type Retention = z.output<typeof Retention>;
