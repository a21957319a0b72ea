// A policy in one paragraph, for `stopline policy check` and `stopline policy show`: enough for a
// reader to recognise their own rules at a glance.
import { formatDuration } from './duration.ts';
import type { Regime, RegimeStage } from './breach-schema.ts';
import type { Panel, Policy } from './policy-schema.ts';

const TIE: Record<Panel['onTie'], string> = {
  security_lead_decides: 'the security lead decides',
  critical: 'critical',
  no_decision: 'no decision from the vote',
};

function list(items: string[], last = 'and'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${last} ${items[items.length - 1]}`;
}

function describePanel(panel: Panel): string {
  const members = [
    panel.includesOwner ? 'the owner' : null,
    panel.otherResponders > 0
      ? `${panel.otherResponders} other responder${panel.otherResponders === 1 ? '' : 's'}`
      : null,
    panel.includesSecurityLead ? 'the security lead' : null,
  ].filter((m): m is string => m !== null);
  const size =
    (panel.includesOwner ? 1 : 0) + panel.otherResponders + (panel.includesSecurityLead ? 1 : 0);
  return `a panel of ${size} (${list(members)}) decides with a quorum of ${panel.quorum}; on a tie: ${TIE[panel.onTie]}`;
}

export function describePolicy(policy: Policy): string {
  const severities = policy.severities.map(
    (s) =>
      `${s.id} ${s.name} (${s.critical ? 'critical, ' : ''}respond within ${formatDuration(s.responseWithin)})`,
  );
  const criteria = policy.criticality.criteria.length;
  const roles = policy.roles.map((r) =>
    r.requiredFor.length > 0 ? `${r.id} (required for ${r.requiredFor.join(', ')})` : r.id,
  );
  const line = policy.stopTheLine.enabled
    ? `a critical incident stops the line until it is ${list(
        policy.stopTheLine.resumesWhen.map((c) => c.replace('_', '-')),
        'or',
      )}`
    : 'the line never stops';
  return (
    `${policy.name} (revision ${policy.revision}): ` +
    `${policy.severities.length} severities: ${list(severities)}; ` +
    `${criteria} criticality question${criteria === 1 ? '' : 's'} (recommendation: ${policy.criticality.recommendation}); ` +
    `${describePanel(policy.panel)}; ` +
    `${policy.roles.length} roles: ${list(roles)}; ` +
    `${policy.phases.length} phases: ${policy.phases.map((p) => p.id).join(' → ')}; ` +
    `${line}` +
    (policy.breach.regimes.length > 0 ? `; ${describeRegimes(policy.breach.regimes)}` : '') +
    (policy.alerts.rules.length > 0 ? `; ${describeAlertRules(policy)}` : '') +
    '.'
  );
}

/** "3 alert rules: page-db opens P1 (attaching within 2h), noisy ignores, ..." */
function describeAlertRules(policy: Policy): string {
  const rules = policy.alerts.rules.map((r) => {
    const verb = {
      open: 'opens',
      attach: 'attaches',
      triage: 'waits for triage',
      ignore: 'ignores',
    }[r.action];
    const severity = r.action === 'open' ? ` ${r.severity ?? 'an incident'}` : '';
    const within =
      r.attachWithin !== undefined ? ` (attaching within ${formatDuration(r.attachWithin)})` : '';
    return `${r.id} ${verb}${severity}${within}`;
  });
  const n = rules.length;
  return `${n} alert rule${n === 1 ? '' : 's'}: ${list(rules)}`;
}

const UNIT: Record<RegimeStage['calendar'], [string, string]> = {
  hours: ['hour', 'hours'],
  calendar_days: ['calendar day', 'calendar days'],
  business_days: ['business day', 'business days'],
  months: ['month', 'months'],
  days_after_year_end: ['day after the year end', 'days after the year end'],
};

function describeCondition(when: RegimeStage['when']): string {
  if (!when) return '';
  const [words, n] =
    when.atLeast !== undefined
      ? ['at least', when.atLeast]
      : when.moreThan !== undefined
        ? ['more than', when.moreThan]
        : ['below', when.below];
  return `, when ${when.count.replaceAll('_', ' ')} ${words} ${n}`;
}

function describeStage(stage: RegimeStage): string {
  const [one, many] = UNIT[stage.calendar];
  const start =
    stage.from !== undefined ? stage.from : `the submission of ${stage.fromSubmissionOf}`;
  const holidays = stage.holidayCalendar ? ` (${stage.holidayCalendar})` : '';
  const after = stage.calendar === 'days_after_year_end' ? 'of the year of' : 'after';
  return (
    `${stage.id} ${stage.offset} ${stage.offset === 1 ? one : many}${holidays} ${after} ${start}` +
    describeCondition(stage.when)
  );
}

/** "breach regimes: gdpr on personal_data_involved (authority 72 hours after became_aware, ...)" */
export function describeRegimes(regimes: readonly Regime[], calendars?: number): string {
  const each = regimes.map((r) => `${r.id} on ${r.trigger} (${list(r.stages.map(describeStage))})`);
  const held =
    calendars === undefined || calendars === 0
      ? ''
      : `; ${calendars} holiday calendar${calendars === 1 ? '' : 's'}`;
  return `${regimes.length} breach regime${regimes.length === 1 ? '' : 's'}: ${list(each)}${held}`;
}
