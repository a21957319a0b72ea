// The policy's alerts section: what an alert from monitoring does. Rules are tried in order; the
// first whose `match` fits the alert (its source's name, its severity, its labels) decides:
// open an incident (with a severity), attach to the open incident with the same key within a
// window, wait for a person to triage, or ignore. An alert no rule matches waits for triage.
import { z } from 'zod';
import { ALERT_SEVERITIES } from '../../../shared/domain/alerts.ts';
import { parseDuration } from './duration.ts';

const id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'must be 1-40 letters, digits, "_" or "-"');
const text = (max = 2000) => z.string().trim().min(1, 'must not be empty').max(max);
const Duration = z
  .string({ error: 'must be a duration such as "15m", "4h" or "3d"' })
  .transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === null || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: 'must be a duration such as "15m", "4h" or "3d"' });
      return z.NEVER;
    }
    return ms;
  });
const label = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,99}$/, 'must be a label name');

export const ALERT_ACTIONS = ['open', 'attach', 'triage', 'ignore'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

export const AlertMatch = z.strictObject({
  /** Names of alert sources (as admins named them); left out: any source. */
  sources: z.array(text(100)).max(50).optional(),
  /** The alert's severity (critical, error, warning, info); left out: any. */
  severities: z.array(z.enum(ALERT_SEVERITIES)).max(4).optional(),
  /** Labels the alert must carry, each with one of the values given ("*": any value). */
  labels: z.record(label, z.union([text(200), z.array(text(200)).min(1).max(50)])).optional(),
});
export type AlertMatch = z.output<typeof AlertMatch>;

export const AlertRule = z.strictObject({
  id,
  description: text().optional(),
  match: AlertMatch.prefault({}),
  /**
   * open: an incident is opened for the alert (or, with attachWithin, joined when one with the
   * same key is open); attach: joins the open incident with the same key, or waits for triage
   * when there is none; triage: waits for a person; ignore: recorded, nothing more.
   */
  action: z.enum(ALERT_ACTIONS),
  /** open: the incident's severity, set as the policy's emergency severity (with this rule as
   * its reason). Left out: the incident opens without one. */
  severity: id.optional(),
  /** The labels whose values make the key alerts are grouped by (with the rule's id); left out:
   * the alert's own dedup key. */
  groupBy: z.array(label).max(20).optional(),
  /** An alert with the same key joins the open incident an alert with that key opened or joined
   * this long ago at most (from the newest alert's arrival). */
  attachWithin: Duration.optional(),
});
export type AlertRule = z.output<typeof AlertRule>;

export const Alerts = z.strictObject({
  description: text().default(
    'Alerts from monitoring wait for a person to triage them unless a rule below says otherwise.',
  ),
  rules: z.array(AlertRule).max(200).default([]),
});
export type Alerts = z.output<typeof Alerts>;
