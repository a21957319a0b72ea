// Continuity (Kai section 7): the policy's manual fallback procedures that cover a system the
// incident affects, as a checklist whose ticks are events on the incident's record.
import { AppError } from '../../errors.ts';
import type { Policy } from '../policy/index.ts';
import { incidentEvent as ev, type IncidentEvent } from './incident-events.ts';

export const CONTINUITY_EVENT_TYPES = [
  'incident.continuity_step_ticked',
  'incident.continuity_step_unticked',
];

/** A tick or untick as the record holds it. */
export interface ContinuityMark {
  type: string;
  data: Record<string, unknown>;
  at: number;
  actorId: string | null;
}

export interface ChecklistStep {
  step: number;
  text: string;
  done: { by: string | null; at: number } | null;
}

export interface ChecklistProcedure {
  id: string;
  title: string;
  covers: string[];
  /** The incident's affected systems this procedure covers, as the incident names them. */
  matched: string[];
  stakeholders: string[];
  steps: ChecklistStep[];
}

const same = (a: string) => a.trim().toLowerCase();

/** The procedures covering any of the affected systems (names compared without regard to case). */
export function proceduresFor(policy: Policy, affectedSystems: readonly string[]) {
  return policy.continuity.procedures.flatMap((p) => {
    const covered = new Set(p.covers.map(same));
    const matched = affectedSystems.filter((s) => covered.has(same(s)));
    return matched.length > 0 ? [{ procedure: p, matched }] : [];
  });
}

/** The checklist: each covering procedure's steps, done by whom and when as the marks say. */
export function checklist(
  policy: Policy,
  affectedSystems: readonly string[],
  marks: readonly ContinuityMark[],
): ChecklistProcedure[] {
  const done = new Map<string, { by: string | null; at: number }>();
  for (const m of marks) {
    const key = `${String(m.data['procedureId'])}#${String(m.data['step'])}`;
    if (m.type === 'incident.continuity_step_ticked') done.set(key, { by: m.actorId, at: m.at });
    else done.delete(key);
  }
  return proceduresFor(policy, affectedSystems).map(({ procedure: p, matched }) => ({
    id: p.id,
    title: p.title,
    covers: [...p.covers],
    matched,
    stakeholders: [...p.stakeholders],
    steps: p.steps.map((text, i) => ({
      step: i + 1,
      text,
      done: done.get(`${p.id}#${i + 1}`) ?? null,
    })),
  }));
}

function findStep(list: readonly ChecklistProcedure[], procedureId: string, step: number) {
  const procedure = list.find((p) => p.id === procedureId);
  if (!procedure) {
    throw new AppError(
      'NOT_FOUND',
      `No fallback procedure "${procedureId}" covers a system this incident affects`,
      { errors: [{ field: 'params.procedureId', message: 'is not on this incident’s checklist' }] },
    );
  }
  const found = procedure.steps.find((s) => s.step === step);
  if (!found) {
    throw new AppError(
      'NOT_FOUND',
      `The procedure "${procedureId}" has no step ${step} (it has ${procedure.steps.length})`,
      { errors: [{ field: 'params.step', message: `must be 1 to ${procedure.steps.length}` }] },
    );
  }
  return found;
}

/** Ticks a step; nothing to record when it is already ticked. */
export function tickStep(
  list: readonly ChecklistProcedure[],
  procedureId: string,
  step: number,
): IncidentEvent[] {
  const found = findStep(list, procedureId, step);
  if (found.done) return [];
  return [ev('incident.continuity_step_ticked', { procedureId, step, text: found.text })];
}

/** Unticks a ticked step, with the reason; a step not ticked is a conflict. */
export function untickStep(
  list: readonly ChecklistProcedure[],
  procedureId: string,
  step: number,
  reason: string,
): IncidentEvent[] {
  const found = findStep(list, procedureId, step);
  if (!found.done) {
    throw new AppError('CONFLICT', `Step ${step} of "${procedureId}" is not ticked`);
  }
  return [ev('incident.continuity_step_unticked', { procedureId, step, reason })];
}
