// A breach record as the API answers it: times as RFC 3339, the regimes' clocks with their names,
// the details only when the service handed them over (breach.read).
import type { BreachResponse } from '../../../shared/api/breach.ts';
import type { BreachView } from '../../domain/breach/index.ts';
import { riskLevel } from '../../domain/breach/index.ts';
import type { Policy } from '../../domain/policy/index.ts';
import { presentTime } from './time-presenter.ts';

export function presentBreach(view: BreachView, policy: Policy): BreachResponse {
  const regimes = policy.breach.regimes;
  const details = view.details;
  const aware = details?.determinations.filter((d) => d.kind === 'became_aware').at(-1) ?? null;
  return {
    id: view.id,
    incidentKey: view.incidentKey,
    openedAt: presentTime(view.openedAt),
    version: view.version,
    regimes: view.regimes.map((clock) => {
      const regime = regimes.find((r) => r.id === clock.regimeId)!;
      return {
        regimeId: regime.id,
        name: regime.name,
        trigger: regime.trigger,
        applies: clock.applies,
        stages: clock.stages.map((s) => {
          const stage = regime.stages.find((st) => st.id === s.stageId)!;
          return {
            regimeId: regime.id,
            regimeName: regime.name,
            stageId: stage.id,
            stageName: stage.name,
            recipient: stage.recipient,
            status: s.status,
            startedAt: presentTime(s.startedAt),
            dueAt: presentTime(s.dueAt),
            submittedAt: presentTime(s.submittedAt),
            late: s.late,
          };
        }),
      };
    }),
    details: details && {
      status: details.status,
      ...details.facts,
      occurredFrom: presentTime(details.facts.occurredFrom),
      occurredTo: presentTime(details.facts.occurredTo),
      riskLevel: riskLevel(details.facts.riskLikelihood, details.facts.riskSeverity),
      determinations: details.determinations.map((d) => ({
        kind: d.kind,
        value: d.value,
        at: presentTime(d.at),
        rationale: d.rationale,
        decidedBy: d.decidedBy,
        decidedAt: presentTime(d.decidedAt),
        tookMs: d.kind === 'became_aware' || !aware ? null : d.decidedAt - aware.at,
      })),
      submissions: details.submissions.map((s) => ({
        regimeId: s.regimeId,
        stageId: s.stageId,
        part: s.part,
        submittedAt: presentTime(s.submittedAt),
        recipient: s.recipient,
        reference: s.reference,
        copy: s.copy,
        dueAt: presentTime(s.dueAt),
        late: s.late,
        delayReasons: s.delayReasons,
        recordedBy: s.recordedBy,
        recordedAt: presentTime(s.recordedAt),
      })),
      notices: details.notices.map((n) => ({
        ...n,
        draftedAt: presentTime(n.draftedAt),
        approvedAt: presentTime(n.approvedAt),
        sentAt: presentTime(n.sentAt),
      })),
      contactRedactions: details.contactRedactions.map((r) => ({ ...r, at: presentTime(r.at) })),
    },
  };
}
