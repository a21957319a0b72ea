// Shapes the policy and its versions for the API: durations as { ms, text }, times as ISO 8601,
// absent optional values as null. Every field of the policy file is written out explicitly.
import type {
  DurationJson,
  PolicyResponse,
  PolicyVersionResponse,
  PolicyVersionSummaryJson,
} from '../../../shared/api/policy.ts';
import {
  formatDuration,
  type PolicyInForce,
  type PolicyVersion,
  type PolicyVersionSummary,
} from '../../domain/policy/index.ts';
import { presentTime } from './time-presenter.ts';

function duration(ms: number): DurationJson {
  return { ms, text: formatDuration(ms) };
}

function optionalDuration(ms: number | undefined): DurationJson | null {
  return ms === undefined ? null : duration(ms);
}

export function presentPolicy({ policy, hash }: PolicyInForce): PolicyResponse {
  const { panel } = policy;
  return {
    hash,
    format: policy.format,
    name: policy.name,
    revision: policy.revision,
    description: policy.description,
    severities: policy.severities.map((s) => ({
      id: s.id,
      name: s.name,
      description: s.description,
      critical: s.critical,
      responseWithin: duration(s.responseWithin),
      internalUpdateEvery: optionalDuration(s.internalUpdateEvery),
      customerUpdateEvery: optionalDuration(s.customerUpdateEvery),
      bypassQuietHours: s.bypassQuietHours,
    })),
    criticality: {
      description: policy.criticality.description,
      recommendation: policy.criticality.recommendation,
      defaultSeverity: { ...policy.criticality.defaultSeverity },
      criteria: policy.criticality.criteria.map((c) => ({
        id: c.id,
        question: c.question,
        yesPointsTo: c.yesPointsTo,
        description: c.description ?? null,
      })),
    },
    panel: {
      description: panel.description,
      includesOwner: panel.includesOwner,
      otherResponders: panel.otherResponders,
      includesSecurityLead: panel.includesSecurityLead,
      size:
        (panel.includesOwner ? 1 : 0) +
        panel.otherResponders +
        (panel.includesSecurityLead ? 1 : 0),
      quorum: panel.quorum,
      onTie: panel.onTie,
      securityLeadHasFinalSay: panel.securityLeadHasFinalSay,
      voteWithin: optionalDuration(panel.voteWithin),
    },
    roles: policy.roles.map((r) => ({
      id: r.id,
      name: r.name,
      description: r.description,
      requiredFor: [...r.requiredFor],
      noTroubleshooting: r.noTroubleshooting,
    })),
    roleAssignment: {
      description: policy.roleAssignment.description ?? null,
      assignableBy: [...policy.roleAssignment.assignableBy],
    },
    phases: policy.phases.map((p) => ({
      id: p.id,
      name: p.name,
      description: p.description,
      exitChecks: p.exitChecks.map((c) => ({
        check: c.check,
        when: c.when,
        description: c.description ?? null,
        window: optionalDuration(c.window),
      })),
      skippableWhen: p.skippableWhen,
      terminal: p.terminal,
    })),
    stopTheLine: {
      description: policy.stopTheLine.description,
      enabled: policy.stopTheLine.enabled,
      resumesWhen: [...policy.stopTheLine.resumesWhen],
      containedAfterPhase: policy.stopTheLine.containedAfterPhase,
      resolvedAtPhase: policy.stopTheLine.resolvedAtPhase,
    },
    verification: {
      description: policy.verification.description,
      pauseClocksWhileAwaitingReporter: policy.verification.pauseClocksWhileAwaitingReporter,
      requiredBefore: [...policy.verification.requiredBefore],
      allowEmergencySeverity: policy.verification.allowEmergencySeverity,
    },
    reporters: {
      description: policy.reporters.description,
      acknowledgeWithin: duration(policy.reporters.acknowledgeWithin),
      emergencyAcknowledgeWithin: optionalDuration(policy.reporters.emergencyAcknowledgeWithin),
      verifyIdentityBeforeSharingResults: policy.reporters.verifyIdentityBeforeSharingResults,
      followIncident: policy.reporters.followIncident,
    },
    security: { requireMfaForAdmins: policy.security.requireMfaForAdmins },
    clocks: {
      description: policy.clocks.description,
      responseMetBy: [...policy.clocks.responseMetBy],
      customerNoticeWithin: duration(policy.clocks.customerNoticeWithin),
      finalReportWithin: duration(policy.clocks.finalReportWithin),
      remindAt: [...policy.clocks.remindAt],
      escalateTo: [...policy.clocks.escalateTo],
      repeatEvery: duration(policy.clocks.repeatEvery),
      repeatAtLastLevel: policy.clocks.repeatAtLastLevel,
    },
    containment: {
      description: policy.containment.description,
      kinds: policy.containment.kinds.map((k) => ({
        id: k.id,
        name: k.name,
        description: k.description ?? null,
      })),
    },
    breach: {
      description: policy.breach.description,
      contactListRetentionDays: policy.breach.contactListRetentionDays,
      calendars: policy.breach.calendars.map((c) => ({
        ...c,
        description: c.description ?? null,
        weekend: [...c.weekend],
        holidays: [...c.holidays],
      })),
      regimes: policy.breach.regimes.map((r) => ({
        ...r,
        stages: r.stages.map((s) => ({
          ...s,
          from: s.from ?? null,
          fromSubmissionOf: s.fromSubmissionOf ?? null,
          holidayCalendar: s.holidayCalendar ?? null,
          content: [...s.content],
          when: s.when
            ? {
                count: s.when.count,
                atLeast: s.when.atLeast ?? null,
                moreThan: s.when.moreThan ?? null,
                below: s.when.below ?? null,
              }
            : null,
        })),
      })),
    },
    learning: {
      description: policy.learning.description,
      postmortem: {
        ...policy.learning.postmortem,
        sections: policy.learning.postmortem.sections.map((s) => ({ ...s })),
        requiredWhen: {
          ...policy.learning.postmortem.requiredWhen,
          severities: [...policy.learning.postmortem.requiredWhen.severities],
        },
      },
      finalReports: {
        ...(policy.learning.finalReports.externalSections
          ? { externalSections: [...policy.learning.finalReports.externalSections] }
          : {}),
      },
      exercises: { reportRequiredToClose: policy.learning.exercises.reportRequiredToClose },
      schedule: policy.learning.schedule.map((item) => ({ ...item })),
    },
    communications: {
      description: policy.communications.description,
      publishing: {
        fourEyes: {
          severities: [...policy.communications.publishing.fourEyes.severities],
          impacts: [...policy.communications.publishing.fourEyes.impacts],
        },
        reminders: [...policy.communications.publishing.reminders],
      },
      maintenance: { noticeBefore: duration(policy.communications.maintenance.noticeBefore) },
      briefings: {
        every: Object.fromEntries(
          Object.entries(policy.communications.briefings.every).map(([s, ms]) => [s, duration(ms)]),
        ),
      },
    },
    notices: {
      description: policy.notices.description,
      newReport: [...policy.notices.newReport],
      lineStopped: [...policy.notices.lineStopped],
      escalation: {
        after: duration(policy.notices.escalation.after),
        levels: [...policy.notices.escalation.levels],
      },
      onCall: {
        eligibleRoles: [...policy.notices.onCall.eligibleRoles],
        schedule: policy.notices.onCall.schedule ?? null,
        assignIncidents: policy.notices.onCall.assignIncidents,
      },
    },
    disclosure: {
      description: policy.disclosure.description,
      maxEmbargo: duration(policy.disclosure.maxEmbargo),
      reporterReview: policy.disclosure.reporterReview,
      ownerGone: [...policy.disclosure.ownerGone],
      fixWithin: Object.fromEntries(
        Object.entries(policy.disclosure.fixWithin).flatMap(([rating, ms]) =>
          ms === undefined ? [] : [[rating, duration(ms)]],
        ),
      ),
      remindBefore: policy.disclosure.remindBefore.map(duration),
      reporterUpdateEvery: duration(policy.disclosure.reporterUpdateEvery),
    },
    retention: { ...policy.retention },
    continuity: {
      description: policy.continuity.description,
      procedures: policy.continuity.procedures.map((p) => ({
        id: p.id,
        title: p.title,
        covers: [...p.covers],
        steps: [...p.steps],
        stakeholders: [...p.stakeholders],
      })),
    },
    alerts: {
      description: policy.alerts.description,
      rules: policy.alerts.rules.map((r) => ({
        id: r.id,
        description: r.description ?? null,
        match: {
          sources: r.match.sources ? [...r.match.sources] : null,
          severities: r.match.severities ? [...r.match.severities] : null,
          labels: r.match.labels ? { ...r.match.labels } : null,
        },
        action: r.action,
        severity: r.severity ?? null,
        groupBy: r.groupBy ? [...r.groupBy] : null,
        attachWithin: optionalDuration(r.attachWithin),
      })),
    },
  };
}

export function presentVersionSummary(v: PolicyVersionSummary): PolicyVersionSummaryJson {
  return {
    hash: v.hash,
    name: v.name,
    revision: v.revision,
    loadedAt: presentTime(v.loadedAt),
    lastLoadedAt: presentTime(v.lastLoadedAt),
    inForce: v.inForce,
  };
}

export function presentVersion(v: PolicyVersion): PolicyVersionResponse {
  return { ...presentVersionSummary(v), text: v.text };
}
