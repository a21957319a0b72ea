// The breach register (GDPR Art. 33(5)): every breach, notified or not, with the facts, the
// decisions and their reasons, and each stage's submission or why there was none; as JSON for
// programs and CSV for the authority's spreadsheet.
import type { Breach } from '../policy/index.ts';
import { csvTable } from '../csv.ts';
import { riskLevel } from './breach-rules.ts';
import { regimeClocks } from './breach-rules.ts';
import { currentDeterminations, type BreachState } from './breach-state.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export interface RegisterEntry {
  incidentKey: string;
  breachId: string;
  status: string;
  openedAt: string;
  occurredFrom: string | null;
  occurredTo: string | null;
  awareAt: string | null;
  awareHow: string;
  nature: string[];
  dataCategories: { name: string; special: boolean }[];
  people: { count: number | null; estimate: boolean };
  records: { count: number | null; estimate: boolean };
  consequences: string;
  riskLevel: string | null;
  riskRationale: string;
  measuresTaken: string;
  measuresProposed: string;
  determinations: {
    kind: string;
    value: boolean;
    at: string;
    rationale: string;
    decidedBy: string | null;
    decidedAt: string;
  }[];
  regimes: {
    regimeId: string;
    /** true: notifiable; false: decided not (the trigger's rationale says why); null: undecided. */
    applies: boolean | null;
    reason: string | null;
    stages: {
      stageId: string;
      /** waiting, running, submitted, stopped or not_required (its condition not met). */
      status: string;
      dueAt: string | null;
      submittedAt: string | null;
      late: boolean;
      delayReasons: string;
      reference: string;
      copySha256: string | null;
    }[];
  }[];
}

export function registerEntry(
  state: BreachState,
  incidentKey: string,
  breach: Breach,
): RegisterEntry {
  const current = currentDeterminations(state);
  const facts = state.facts;
  return {
    incidentKey,
    breachId: state.id,
    status: state.status,
    openedAt: iso(state.openedAt)!,
    occurredFrom: iso(facts.occurredFrom),
    occurredTo: iso(facts.occurredTo),
    awareAt: iso(current.became_aware?.at ?? null),
    awareHow: facts.awareHow,
    nature: facts.nature,
    dataCategories: facts.dataCategories,
    people: facts.people,
    records: facts.records,
    consequences: facts.consequences,
    riskLevel: riskLevel(facts.riskLikelihood, facts.riskSeverity),
    riskRationale: facts.riskRationale,
    measuresTaken: facts.measuresTaken,
    measuresProposed: facts.measuresProposed,
    determinations: state.determinations.map((d) => ({
      kind: d.kind,
      value: d.value,
      at: iso(d.at)!,
      rationale: d.rationale,
      decidedBy: d.decidedBy,
      decidedAt: iso(d.decidedAt)!,
    })),
    regimes: regimeClocks(state, breach).map((clock) => {
      const trigger = breach.regimes.find((r) => r.id === clock.regimeId)!.trigger;
      return {
        regimeId: clock.regimeId,
        applies: clock.applies,
        reason: current[trigger]?.rationale ?? null,
        stages: clock.stages.map((s) => {
          const first = state.submissions.find(
            (x) => x.regimeId === s.regimeId && x.stageId === s.stageId,
          );
          return {
            stageId: s.stageId,
            status: s.status,
            dueAt: iso(s.dueAt),
            submittedAt: iso(s.submittedAt),
            late: s.late,
            delayReasons: first?.delayReasons ?? '',
            reference: first?.reference ?? '',
            copySha256: first?.copy.sha256 ?? null,
          };
        }),
      };
    }),
  };
}

const COLUMNS = [
  'incident',
  'breach_id',
  'status',
  'opened_at',
  'occurred_from',
  'occurred_to',
  'aware_at',
  'aware_how',
  'nature',
  'data_categories',
  'special_categories',
  'people',
  'people_estimate',
  'records',
  'records_estimate',
  'consequences',
  'risk_level',
  'risk_rationale',
  'measures_taken',
  'measures_proposed',
  'determinations',
  'notifications',
] as const;

/** One line per breach; decisions and notifications written out in words in their cells. */
export function registerCsv(entries: readonly RegisterEntry[]): string {
  return csvTable(
    COLUMNS,
    entries.map((e) => [
      e.incidentKey,
      e.breachId,
      e.status,
      e.openedAt,
      e.occurredFrom,
      e.occurredTo,
      e.awareAt,
      e.awareHow,
      e.nature.join('; '),
      e.dataCategories.map((c) => c.name).join('; '),
      e.dataCategories.some((c) => c.special) ? 'yes' : 'no',
      e.people.count,
      e.people.estimate ? 'yes' : 'no',
      e.records.count,
      e.records.estimate ? 'yes' : 'no',
      e.consequences,
      e.riskLevel,
      e.riskRationale,
      e.measuresTaken,
      e.measuresProposed,
      e.determinations
        .map((d) => `${d.kind}: ${d.value ? 'yes' : 'no'} at ${d.at} (${d.rationale})`)
        .join('; '),
      e.regimes
        .map((r) => {
          if (r.applies !== true) {
            const decided = r.applies === false ? 'not notifiable' : 'undetermined';
            return `${r.regimeId}: ${decided}${r.reason ? ` (${r.reason})` : ''}`;
          }
          const stages = r.stages.map((s) =>
            s.submittedAt
              ? `${s.stageId} submitted ${s.submittedAt}${s.reference ? ` ref ${s.reference}` : ''}` +
                (s.late ? `, late: ${s.delayReasons}` : '')
              : s.status === 'not_required'
                ? `${s.stageId} not required`
                : `${s.stageId} not submitted${s.dueAt ? ` (due ${s.dueAt})` : ''}`,
          );
          return `${r.regimeId}: ${stages.join(', ')}`;
        })
        .join('; '),
    ]),
  );
}
