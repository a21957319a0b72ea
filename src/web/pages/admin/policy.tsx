// The policy in force, written out for people: severities and their clocks, the criticality
// questions, the panel, incident roles, phases with what must be done before leaving each, when
// the line stops and resumes, and the clocks. Then the changes post-mortems proposed to it, and
// the versions that have been in force.
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type {
  DurationJson,
  PolicyResponse,
  PolicyVersionListResponse,
} from '../../../shared/api/policy.ts';
import { VERIFIED_STEP_WORDS } from '../../../shared/domain/incidents.ts';
import { request } from '../../api.ts';
import { QueryState, SeverityBadge, Time } from '../../components/common.tsx';
import { formatDuration, humanize } from '../../format.ts';
import { usePolicy } from '../../queries.ts';
import './admin.css';
import { TableWrap } from '../../components/data-table.tsx';
import { useCan } from '../../session.tsx';
import { PolicyChanges } from './policy-changes.tsx';

const EXIT_CHECKS: Record<string, string> = {
  owner_assigned: 'A responsible developer (owner) is assigned',
  reproduction_recorded: 'The reproduction attempt is recorded',
  decision_recorded: 'The panel’s decision (critical or not) is recorded',
  severity_set: 'A severity is set',
  required_roles_filled: 'Every incident role the severity requires has someone in it',
  containment_recorded: 'At least one containment action is recorded',
  root_cause_fixed: 'The root-cause fix is recorded',
  containment_reverted_or_justified:
    'Every containment action is reverted, or kept with a justification',
  public_disclosure_removed: 'A publicly posted report has been taken out of public view',
  reporter_informed: 'The reporter has been told the outcome',
  post_mortem_recorded: 'The post-mortem is recorded',
  final_report_step_recorded: 'The final report step is recorded',
  tasks_done: 'Every task is done or cancelled',
  postmortem_approved: 'A post-mortem the policy requires is approved (or skipped with a reason)',
  exercise_report_completed:
    "An exercise's report is completed (every objective judged met or not)",
  restoration_validated: 'Restoration from clean backups is validated, with evidence',
  service_validated: 'The service is validated clean and working, with evidence',
  monitoring_added: 'Additional monitoring is in place, with evidence',
  phased_return_recorded: 'The phased return to full operation is recorded, with evidence',
  monitoring_window_passed: 'The monitoring window has passed since monitoring was added',
};

const WHEN: Record<string, string> = {
  always: '',
  critical: ' (critical incidents only)',
  non_critical: ' (non-critical incidents only)',
};

const SKIPPABLE: Record<string, string> = {
  never: 'Never skipped.',
  critical: 'May be skipped for critical incidents.',
  non_critical: 'May be skipped for non-critical incidents.',
  always: 'May be skipped.',
};

const ON_TIE: Record<string, string> = {
  security_lead_decides: 'the security lead’s vote decides',
  critical: 'the incident counts as critical',
  no_decision: 'there is no decision until the security lead makes the final call',
};

const RESUMES: Record<string, string> = {
  contained: 'the incident is contained',
  de_escalated: 'the incident is de-escalated',
  resolved: 'the incident is resolved',
  closed: 'the incident is closed',
};

const ESCALATION: Record<string, string> = {
  owner: 'the owner',
  security_lead: 'the security lead',
  executive_sponsor: 'the executive sponsor',
};

const duration = (d: DurationJson | null) => (d ? formatDuration(d.ms) : 'not set');
const yesNo = (b: boolean) => (b ? 'Yes' : 'No');

function Term({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Policy({ policy }: { policy: PolicyResponse }) {
  const phaseName = (id: string) => policy.phases.find((p) => p.id === id)?.name ?? id;
  const severityName = (id: string) => {
    const s = policy.severities.find((x) => x.id === id);
    return s ? `${s.id} (${s.name})` : id;
  };
  const roleOf = (ids: string[]) => ids.map(severityName).join(', ');
  return (
    <article className="policy">
      <h1>{policy.name}</h1>
      <p className="lead">{policy.description}</p>
      <dl className="facts">
        <Term term="Revision">{policy.revision}</Term>
        <Term term="Version (hash)">
          <code>{policy.hash.slice(0, 12)}</code>
        </Term>
      </dl>

      <section aria-labelledby="severities">
        <h2 id="severities">Severities</h2>
        {policy.severities.map((s) => (
          <div key={s.id} className="panel" data-testid={`severity-${s.id}`}>
            <h3>
              <SeverityBadge severity={s.id} />
            </h3>
            <p>{s.description}</p>
            <dl className="facts">
              <Term term="First response within">{duration(s.responseWithin)}</Term>
              <Term term="Internal status update every">{duration(s.internalUpdateEvery)}</Term>
              <Term term="Customer update every">{duration(s.customerUpdateEvery)}</Term>
              <Term term="Counts as critical">
                {s.critical ? 'Yes: it stops the line' : 'No: handled in normal development'}
              </Term>
            </dl>
          </div>
        ))}
      </section>

      <section aria-labelledby="criticality">
        <h2 id="criticality">Is it critical? The panel’s questions</h2>
        <p>{policy.criticality.description}</p>
        <ol className="questions">
          {policy.criticality.criteria.map((c) => (
            <li key={c.id}>
              <strong>{c.question}</strong>{' '}
              <span className="muted">
                A yes points to {c.yesPointsTo === 'critical' ? 'critical' : 'not critical'}.
              </span>
              {c.description ? <div>{c.description}</div> : null}
            </li>
          ))}
        </ol>
        <dl className="facts">
          <Term term="Recommendation">
            {policy.criticality.recommendation === 'any_critical'
              ? 'Critical when any question pointing to critical is answered yes'
              : 'Critical when more answers point to critical than to not critical'}
          </Term>
          <Term term="Severity when decided critical">
            {severityName(policy.criticality.defaultSeverity.critical)}
          </Term>
          <Term term="Severity when decided not critical">
            {severityName(policy.criticality.defaultSeverity.non_critical)}
          </Term>
        </dl>
      </section>

      <section aria-labelledby="panel">
        <h2 id="panel">The assessment panel</h2>
        <p>{policy.panel.description}</p>
        <dl className="facts">
          <Term term="Members">
            {[
              policy.panel.includesOwner ? 'the owner' : null,
              `${policy.panel.otherResponders} other responder${policy.panel.otherResponders === 1 ? '' : 's'}`,
              policy.panel.includesSecurityLead ? 'the security lead' : null,
            ]
              .filter(Boolean)
              .join(', ')}{' '}
            ({policy.panel.size} in all)
          </Term>
          <Term term="Votes needed">{policy.panel.quorum}</Term>
          <Term term="On a tie">{ON_TIE[policy.panel.onTie]}</Term>
          <Term term="Security lead may make the final call">
            {yesNo(policy.panel.securityLeadHasFinalSay)}
          </Term>
        </dl>
      </section>

      <section aria-labelledby="roles">
        <h2 id="roles">Incident roles</h2>
        <dl className="roles">
          {policy.roles.map((r) => (
            <Term key={r.id} term={r.name}>
              {r.description}
              {r.requiredFor.length > 0 ? (
                <div className="muted">Required for {roleOf(r.requiredFor)}.</div>
              ) : null}
              {r.noTroubleshooting ? (
                <div className="muted">Takes no part in troubleshooting.</div>
              ) : null}
            </Term>
          ))}
        </dl>
        <p data-testid="role-assigners">
          Who assigns them: security leads
          {policy.roleAssignment.assignableBy
            .map((seat) =>
              seat === 'owner' ? ", the incident's owner" : ", the incident's commander",
            )
            .join('')}
          .
        </p>
        {policy.roleAssignment.description ? (
          <p className="help">{policy.roleAssignment.description}</p>
        ) : null}
      </section>

      <section aria-labelledby="phases">
        <h2 id="phases">Phases</h2>
        <ol className="phases">
          {policy.phases.map((p) => (
            <li key={p.id}>
              <h3>{p.name}</h3>
              <p>{p.description}</p>
              <p className="muted">
                {p.terminal ? 'The incident is over.' : SKIPPABLE[p.skippableWhen]}
              </p>
              {p.exitChecks.length > 0 ? (
                <>
                  <h4>Before leaving this phase</h4>
                  <ul className="checks">
                    {p.exitChecks.map((c) => (
                      <li key={c.check + c.when}>
                        {EXIT_CHECKS[c.check] ?? humanize(c.check)}
                        {c.window ? ` (${c.window.text})` : ''}
                        {WHEN[c.when]}
                        {c.description ? <div className="muted">{c.description}</div> : null}
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="containment">
        <h2 id="containment">Containment</h2>
        <p>{policy.containment.description}</p>
        <dl className="roles">
          {policy.containment.kinds.map((k) => (
            <Term key={k.id} term={k.name}>
              {k.description ?? ''}
            </Term>
          ))}
        </dl>
      </section>

      <section aria-labelledby="stop-the-line">
        <h2 id="stop-the-line">Stop the line</h2>
        <p>{policy.stopTheLine.description}</p>
        <dl className="facts">
          <Term term="In use">{yesNo(policy.stopTheLine.enabled)}</Term>
          <Term term="The line runs again when">
            {policy.stopTheLine.resumesWhen.map((r) => RESUMES[r] ?? r).join(', or ')}
          </Term>
          <Term term="Contained means">
            the incident has left {phaseName(policy.stopTheLine.containedAfterPhase)}
          </Term>
          <Term term="Resolved means">
            the incident has reached {phaseName(policy.stopTheLine.resolvedAtPhase)}
          </Term>
        </dl>
      </section>

      <section aria-labelledby="reporters">
        <h2 id="reporters">Reporters and verification</h2>
        <p>{policy.reporters.description}</p>
        <p>{policy.verification.description}</p>
        <dl className="facts">
          <Term term="Acknowledge a report within">
            {duration(policy.reporters.acknowledgeWithin)}
          </Term>
          <Term term="Acknowledge an emergency report within">
            {policy.reporters.emergencyAcknowledgeWithin
              ? duration(policy.reporters.emergencyAcknowledgeWithin)
              : duration(policy.reporters.acknowledgeWithin)}
          </Term>
          <Term term="Verify the reporter’s identity before sharing results">
            {yesNo(policy.reporters.verifyIdentityBeforeSharingResults)}
          </Term>
          <Term term="Clocks pause while waiting for the reporter">
            {yesNo(policy.verification.pauseClocksWhileAwaitingReporter)}
          </Term>
          <Term term="Waits for verify & reproduce">
            {policy.verification.requiredBefore.length === 0
              ? 'Nothing'
              : policy.verification.requiredBefore.map((s) => VERIFIED_STEP_WORDS[s]).join(', ')}
          </Term>
          <Term term="The security lead may set an emergency severity before reproduction">
            {yesNo(policy.verification.allowEmergencySeverity)}
          </Term>
        </dl>
      </section>

      <section aria-labelledby="clocks">
        <h2 id="clocks">Clocks</h2>
        <p>{policy.clocks.description}</p>
        <dl className="facts">
          <Term term="The first response is any of">
            {policy.clocks.responseMetBy
              .map((e) => humanize(e.replace(/^incident\./, '')).toLowerCase())
              .join(', ')}
          </Term>
          <Term term="First customer notice within">
            {duration(policy.clocks.customerNoticeWithin)} of the incident becoming critical
          </Term>
          <Term term="Final report within">
            {duration(policy.clocks.finalReportWithin)} of resolution
          </Term>
          <Term term="Reminders at">
            {policy.clocks.remindAt.map((f) => `${Math.round(f * 100)} %`).join(' and ')} of the
            time allowed
          </Term>
          <Term term="At a breach, told in turn">
            {policy.clocks.escalateTo.map((e) => ESCALATION[e] ?? e).join(', then ')}
          </Term>
          <Term term="Escalated again every">{duration(policy.clocks.repeatEvery)}</Term>
          <Term term="The last level hears it again">
            {policy.clocks.repeatAtLastLevel === 1
              ? 'once more'
              : `${policy.clocks.repeatAtLastLevel} times more`}
            , then the deadline stays breached until met
          </Term>
        </dl>
      </section>

      <section aria-labelledby="security">
        <h2 id="security">Accounts</h2>
        <dl className="facts">
          <Term term="Administrators must use two-step sign-in">
            {yesNo(policy.security.requireMfaForAdmins)}
          </Term>
        </dl>
      </section>
    </article>
  );
}

function Versions() {
  const versions = useQuery({
    queryKey: ['policy', 'versions'],
    queryFn: () => request<PolicyVersionListResponse>('/policy/versions'),
  });
  return (
    <section aria-labelledby="versions">
      <h2 id="versions">Versions</h2>
      <QueryState query={versions} what="versions">
        {(data) => (
          <TableWrap label="Policy versions">
            <table data-testid="policy-versions">
              <thead>
                <tr>
                  <th scope="col">Name and revision</th>
                  <th scope="col">Version</th>
                  <th scope="col">First in force</th>
                  <th scope="col">Last started</th>
                </tr>
              </thead>
              <tbody>
                {data.versions.map((v) => (
                  <tr key={v.hash}>
                    <th scope="row">
                      {v.name}, {v.revision}
                      {v.inForce ? <strong> — in force</strong> : null}
                    </th>
                    <td>
                      <code>{v.hash.slice(0, 12)}</code>
                    </td>
                    <td>
                      <Time value={v.loadedAt} />
                    </td>
                    <td>
                      <Time value={v.lastLoadedAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </QueryState>
    </section>
  );
}

export function PolicyPage() {
  const policy = usePolicy();
  const can = useCan();
  return (
    <div className="admin">
      <QueryState query={policy} what="the policy">
        {(p) => <Policy policy={p} />}
      </QueryState>
      {can('learning.read') ? <PolicyChanges /> : null}
      <Versions />
    </div>
  );
}
