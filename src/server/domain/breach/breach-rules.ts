// The breach record's rules: state and input in, the events that record the change out (or a
// refusal that says why). Pure: the time is passed in; no database.
import type {
  OpenBreach,
  RecordDetermination,
  RecordSubmission,
  UpdateBreach,
} from '../../../shared/api/breach.ts';
import type {
  DeterminationKind,
  RiskLevel,
  RiskLikelihood,
  RiskSeverity,
} from '../../../shared/domain/breach.ts';
import { AppError } from '../../errors.ts';
import { breachEvent as ev, type BreachEvent, type BreachFacts } from './breach-events.ts';
import type { Breach } from '../policy/index.ts';
import { planRegimeClocks, type BreachClockFacts, type RegimeClock } from './breach-clock-rules.ts';
import { currentDeterminations, type BreachState } from './breach-state.ts';

const fieldError = (field: string, message: string) =>
  new AppError('VALIDATION', `${field} ${message}`, { errors: [{ field, message }] });
const refuse = (message: string, details: Record<string, unknown> = {}) =>
  new AppError('RULE_REFUSED', message, details);

/** A new record: nothing known yet but what the legal role writes when opening it. */
export function emptyFacts(): BreachFacts {
  return {
    occurredFrom: null,
    occurredTo: null,
    awareHow: '',
    awareBy: '',
    nature: [],
    dataCategories: [],
    people: { count: null, estimate: true },
    records: { count: null, estimate: true },
    peopleCategories: [],
    children: false,
    vulnerable: false,
    residence: [],
    consequences: '',
    riskLikelihood: null,
    riskSeverity: null,
    riskRationale: '',
    measuresTaken: '',
    measuresProposed: '',
    contactPoint: '',
  };
}

/**
 * The risk to people from how likely and how severe harm is: none when harm is remote and slight,
 * high when it is likely and not slight or severe and not remote, a risk otherwise (the EDPB's
 * likelihood × severity reading). Null until both are assessed.
 */
export function riskLevel(
  likelihood: RiskLikelihood | null,
  severity: RiskSeverity | null,
): RiskLevel | null {
  if (likelihood === null || severity === null) return null;
  if (likelihood === 'remote' && severity === 'low') return 'none';
  if (likelihood === 'likely' && severity !== 'low') return 'high';
  if (severity === 'high' && likelihood !== 'remote') return 'high';
  return 'risk';
}

function checkWindow(facts: Pick<BreachFacts, 'occurredFrom' | 'occurredTo'>): void {
  if (facts.occurredFrom !== null && facts.occurredTo !== null) {
    if (facts.occurredTo < facts.occurredFrom) {
      throw fieldError('occurredTo', 'must not be before occurredFrom');
    }
  }
}

function factsOf(input: Partial<BreachFacts>): Partial<BreachFacts> {
  const facts: Partial<BreachFacts> = {};
  for (const [key, value] of Object.entries(input) as [keyof BreachFacts, unknown][]) {
    if (key in emptyFacts() && value !== undefined) {
      (facts as Record<string, unknown>)[key] = value;
    }
  }
  return facts;
}

/** One incident has at most one breach record. */
export function openBreach(
  existing: BreachState | null,
  incidentId: string,
  input: OpenBreach,
): BreachEvent[] {
  if (existing) {
    throw new AppError('CONFLICT', 'This incident already has a breach record', {
      breachId: existing.id,
    });
  }
  const facts = { ...emptyFacts(), ...factsOf(input) };
  checkWindow(facts);
  return [ev('breach.opened', { incidentId, status: input.status, facts })];
}

const CLOSING = new Set(['not_a_breach', 'closed']);

export function updateBreach(state: BreachState, input: UpdateBreach): BreachEvent[] {
  const events: BreachEvent[] = [];
  const changes: Partial<BreachFacts> = {};
  for (const [key, value] of Object.entries(factsOf(input)) as [keyof BreachFacts, unknown][]) {
    if (JSON.stringify(state.facts[key]) !== JSON.stringify(value)) {
      (changes as Record<string, unknown>)[key] = value;
    }
  }
  if (Object.keys(changes).length > 0) {
    if (state.status === 'closed') {
      throw refuse(
        'The breach record is closed; reopen it (status suspected or confirmed) to change it',
      );
    }
    checkWindow({ ...state.facts, ...changes });
    events.push(ev('breach.updated', { changes }));
  }
  if (input.status !== undefined && input.status !== state.status) {
    const reason = input.statusReason?.trim() ?? '';
    if (CLOSING.has(input.status) && reason === '') {
      throw fieldError('statusReason', `is required to make the record ${input.status}: say why`);
    }
    events.push(ev('breach.status_changed', { from: state.status, to: input.status, reason }));
  }
  if (events.length === 0) throw refuse('Nothing to change: the record already says this');
  return events;
}

/**
 * A determination is a decision: yes or no, the moment it refers to (not in the future), and why.
 * Becoming aware is a moment, always yes; a later determination of the same kind replaces the
 * earlier one in force (both stay on the record).
 */
export function recordDetermination(
  state: BreachState,
  input: RecordDetermination,
  now: number,
): BreachEvent[] {
  if (state.status === 'closed') {
    throw refuse('The breach record is closed; reopen it to record a determination');
  }
  const at = input.at ?? now;
  if (at > now) throw fieldError('at', 'must not be in the future');
  if (input.kind === 'became_aware' && !input.value) {
    throw fieldError(
      'value',
      'must be true for became_aware: it records when the team became aware',
    );
  }
  return [
    ev('breach.determined', {
      kind: input.kind,
      value: input.value,
      at,
      rationale: input.rationale,
    }),
  ];
}

/** What the clocks read of a record: the determinations in force and the submissions. */
export function clockFacts(state: BreachState): BreachClockFacts {
  const determinations: BreachClockFacts['determinations'] = {};
  for (const [kind, d] of Object.entries(currentDeterminations(state))) {
    determinations[kind as keyof typeof determinations] = { value: d.value, at: d.at };
  }
  return {
    determinations,
    submissions: state.submissions,
    people: state.facts.people.count,
    residence: state.facts.residence,
  };
}

/**
 * Every regime's stages for this record, by the policy's breach section. A record found not to be
 * a breach stops every stage still running (reopening it starts them again).
 */
export function regimeClocks(state: BreachState, breach: Breach): RegimeClock[] {
  const clocks = planRegimeClocks(breach, clockFacts(state));
  if (state.status !== 'not_a_breach') return clocks;
  return clocks.map((regime) => ({
    ...regime,
    stages: regime.stages.map((s) =>
      s.status === 'running' ? { ...s, status: 'stopped' as const } : s,
    ),
  }));
}

const DETERMINATION_WORDS: Record<DeterminationKind, string> = {
  personal_data_involved: 'personal data is involved',
  became_aware: 'the organisation became aware',
  high_risk: 'a high risk to the people affected',
  significant: 'a significant incident (NIS2)',
  material: 'a material incident (SEC)',
};

/**
 * A determination as the incident's decision log shows it to everyone on the incident: the
 * decision and its moment, never its rationale or the record's facts (those stay with the legal
 * role on the breach record).
 */
export function determinationDecision(d: { kind: DeterminationKind; value: boolean; at: number }): {
  what: string;
  why: string;
} {
  const when = new Date(d.at).toISOString();
  const what =
    d.kind === 'became_aware'
      ? `Breach determination: the organisation became aware at ${when}`
      : `Breach determination: ${d.value ? '' : 'not '}${DETERMINATION_WORDS[d.kind]} (as of ${when})`;
  return {
    what,
    why: 'Recorded on the breach record, where the legal role keeps the reasons.',
  };
}

/**
 * A stage is met by recording its submission: when, to whom, the reference, and a frozen copy of
 * what was sent (hashed by the caller). Not before the stage's clock started (its determination,
 * or the earlier stage it follows), not in the future; after the due time only with the reasons
 * for the delay. A stage that is not phased takes one submission; a phased one takes parts until
 * its final part.
 */
export function recordSubmission(
  state: BreachState,
  breach: Breach,
  input: RecordSubmission,
  copySha256: string,
  now: number,
): BreachEvent[] {
  const regime = breach.regimes.find((r) => r.id === input.regimeId);
  if (!regime) {
    throw fieldError(
      'regimeId',
      `is not one of the policy's regimes (${breach.regimes.map((r) => r.id).join(', ') || 'none'})`,
    );
  }
  const stage = regime.stages.find((st) => st.id === input.stageId);
  if (!stage) {
    throw fieldError(
      'stageId',
      `is not a stage of ${regime.id} (${regime.stages.map((st) => st.id).join(', ')})`,
    );
  }
  const clock = regimeClocks(state, breach)
    .find((r) => r.regimeId === regime.id)!
    .stages.find((c) => c.stageId === stage.id)!;
  if (clock.status === 'not_required') {
    throw refuse(
      `${regime.id}.${stage.id} is not required: the record's ${stage.when!.count.replaceAll('_', ' ')} count does not meet its condition`,
      { regimeId: regime.id, stageId: stage.id },
    );
  }
  if (clock.startedAt === null || clock.dueAt === null) {
    const waitsFor =
      stage.from !== undefined
        ? `the determination ${stage.from} (recorded as yes)` +
          (regime.trigger !== stage.from ? ` and ${regime.trigger}` : '')
        : `the submission of ${stage.fromSubmissionOf}`;
    throw refuse(`${regime.id}.${stage.id} has not started: it waits for ${waitsFor}`, {
      regimeId: regime.id,
      stageId: stage.id,
    });
  }
  if (input.submittedAt > now) throw fieldError('submittedAt', 'must not be in the future');
  if (input.submittedAt < clock.startedAt) {
    throw fieldError(
      'submittedAt',
      `must not be before the stage started (${new Date(clock.startedAt).toISOString()}, the moment of what it follows)`,
    );
  }
  const earlier = state.submissions.filter(
    (x) => x.regimeId === regime.id && x.stageId === stage.id,
  );
  if (earlier.length > 0 && !stage.phased) {
    throw refuse(`${regime.id}.${stage.id} was already submitted and is not phased`);
  }
  if (earlier.some((x) => x.part === 'final')) {
    throw refuse(`${regime.id}.${stage.id} already has its final part`);
  }
  if (earlier.length > 0 && input.part === 'initial') {
    throw fieldError('part', 'must be additional or final: the initial part was submitted');
  }
  const late = earlier.length === 0 && input.submittedAt > clock.dueAt;
  if (late && input.delayReasons.trim() === '') {
    throw fieldError(
      'delayReasons',
      `is required: the stage was due ${new Date(clock.dueAt).toISOString()}; say why it is late`,
    );
  }
  return [
    ev('breach.submitted', {
      regimeId: regime.id,
      stageId: stage.id,
      part: input.part,
      submittedAt: input.submittedAt,
      recipient: input.recipient,
      reference: input.reference,
      copy: { mediaType: input.copy.mediaType, text: input.copy.text, sha256: copySha256 },
      dueAt: clock.dueAt,
      late,
      delayReasons: input.delayReasons,
    }),
  ];
}

/**
 * The "what if" view: when each stage would fall due if every determination not yet recorded as
 * yes were recorded now (and every stage another one follows were submitted now). What is
 * recorded stays as it is.
 */
export function whatIfClocks(state: BreachState, breach: Breach, now: number): RegimeClock[] {
  const facts = clockFacts(state);
  const determinations = { ...facts.determinations };
  for (const regime of breach.regimes) {
    for (const kind of [regime.trigger, ...regime.stages.flatMap((st) => st.from ?? [])]) {
      if (determinations[kind]?.value !== true) determinations[kind] = { value: true, at: now };
    }
  }
  const submissions = [...facts.submissions];
  for (const regime of breach.regimes) {
    for (const stage of regime.stages) {
      const follows = stage.fromSubmissionOf;
      if (follows && !submissions.some((x) => x.regimeId === regime.id && x.stageId === follows)) {
        submissions.push({ regimeId: regime.id, stageId: follows, submittedAt: now });
      }
    }
  }
  return planRegimeClocks(breach, { ...facts, determinations, submissions });
}
