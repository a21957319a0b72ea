// Triage use cases, one transaction each: a person acknowledges, snoozes or marks as noise one or
// many alerts from the queue, opens one incident for the alerts selected or attaches them to an
// open incident they may see. Each is recorded on every alert's stream with who and when; a
// selection with one alert that cannot be triaged so is refused whole, naming each such alert.
// Noise proposes tuning the detection rule behind it (tuning-service.ts).
import type { Clock } from '../../clock.ts';
import type { Db, Executor } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError, type FieldError } from '../../errors.ts';
import type { Actor } from '../actor.ts';
import type { AlertEvidence, TriageOpening } from '../incidents/index.ts';
import type { AlertEvent } from './alert-events.ts';
import { appendToAlert } from './alert-projection.ts';
import * as alerts from './alert-repository.ts';
import {
  viewsOf,
  withoutHidden,
  type AlertIncidentSight,
  type AlertView,
} from './alert-service.ts';
import type { AlertState } from './alert-state.ts';
import * as rules from './triage-rules.ts';
import { listSourceNames } from './source-repository.ts';

/** What triage needs of incidents, each in the alerts' transaction, as the person triaging. */
export interface AlertTriageIncidents {
  /**
   * Opens one incident for these alerts, detected and declared at the earliest one's detection
   * time (its clocks run from it); needs incidents.create.
   */
  openFromTriage(
    tx: Executor,
    actor: Actor,
    alerts: AlertEvidence[],
    opening: TriageOpening,
  ): Promise<{ id: string; key: string }>;
  /**
   * Attaches these alerts to the open incident `ref` (id or key): not found unless the actor may
   * see it; needs incidents.update.
   */
  attachFromTriage(
    tx: Executor,
    actor: Actor,
    ref: string,
    alerts: AlertEvidence[],
  ): Promise<{ id: string; key: string }>;
}

export interface TriageDeps {
  db: Db;
  clock: Clock;
  incidents: AlertTriageIncidents & AlertIncidentSight;
}

interface Selected {
  alert: AlertState;
  sourceName: string;
}

type Decide = (s: Selected) => AlertEvent[] | { refused: string };

function refuse(errors: FieldError[]): never {
  throw new AppError('CONFLICT', 'Some alerts selected cannot be triaged so', { errors });
}

export function createTriageService(deps: TriageDeps) {
  const { db, clock } = deps;

  /** The alerts selected, in order; 404 naming each unknown id. */
  async function select(tx: Executor, ids: readonly string[]): Promise<Selected[]> {
    const found = await Promise.all(ids.map((id) => alerts.findAlert(tx, id)));
    const unknown = ids.flatMap((_, i) =>
      found[i] ? [] : [{ field: `alertIds.${i}`, message: 'is not an alert' }],
    );
    if (unknown.length > 0) {
      throw new AppError('NOT_FOUND', 'Alert was not found', { errors: unknown });
    }
    const names = await listSourceNames(
      tx,
      found.map((a) => a!.sourceId),
    );
    return found.map((a) => ({ alert: a!, sourceName: names.get(a!.sourceId) ?? '' }));
  }

  /** Each alert's events, or one refusal naming every alert that cannot be triaged so. */
  function decideAll(selected: Selected[], decide: Decide): AlertEvent[][] {
    const decided = selected.map(decide);
    const errors = decided.flatMap((d, i) =>
      Array.isArray(d) ? [] : [{ field: `alertIds.${i}`, message: d.refused }],
    );
    if (errors.length > 0) refuse(errors);
    return decided as AlertEvent[][];
  }

  async function record(
    tx: Executor,
    actor: Actor,
    selected: Selected[],
    events: AlertEvent[][],
    now: number,
  ): Promise<AlertState[]> {
    const after: AlertState[] = [];
    for (const [i, s] of selected.entries()) {
      after.push(await appendToAlert(tx, s.alert.id, s.alert, events[i]!, now, actor.userId));
    }
    return after;
  }

  /** Decide for every alert selected and record it, as one transaction; the alerts after. */
  async function triage(actor: Actor, ids: readonly string[], decide: Decide) {
    const now = clock.now();
    const after = await inTransaction(db, async (tx) => {
      const selected = await select(tx, ids);
      return record(tx, actor, selected, decideAll(selected, decide), now);
    });
    return present(actor, after, now);
  }

  async function present(actor: Actor, after: AlertState[], now: number): Promise<AlertView[]> {
    const hidden = new Set(await deps.incidents.listHiddenIds(actor));
    return (await viewsOf(db, after, now)).map((a) => withoutHidden(a, hidden));
  }

  const evidenceOf = ({ alert, sourceName }: Selected): AlertEvidence => ({
    alertId: alert.id,
    source: sourceName,
    dedupKey: alert.dedupKey,
    summary: alert.summary,
    alertSeverity: alert.severity,
    detectedAt: alert.detectedAt,
  });

  /** Opens one incident (or attaches to one) for the alerts selected, in their transaction. */
  async function intoIncident(
    actor: Actor,
    ids: readonly string[],
    decision: 'opened' | 'attached',
    reach: (tx: Executor, evidence: AlertEvidence[]) => Promise<{ id: string; key: string }>,
  ) {
    const now = clock.now();
    const { incident, after } = await inTransaction(db, async (tx) => {
      const selected = await select(tx, ids);
      decideAll(selected, (s) => {
        const why = rules.mayJoinIncident(s.alert);
        return why === null ? [] : { refused: why };
      });
      const incident = await reach(tx, selected.map(evidenceOf));
      const events = selected.map(() => rules.triaged(decision, incident));
      return { incident, after: await record(tx, actor, selected, events, now) };
    });
    return { incident, alerts: await present(actor, after, now) };
  }

  return {
    acknowledgeAlerts(actor: Actor, ids: readonly string[]): Promise<AlertView[]> {
      return triage(actor, ids, (s) => rules.acknowledge(s.alert));
    },

    /** Out of the queue until `until` (after now, within a week); back in it after. */
    snoozeAlerts(actor: Actor, ids: readonly string[], until: number): Promise<AlertView[]> {
      const now = clock.now();
      if (until <= now || until > now + rules.MAX_SNOOZE_MS) {
        throw new AppError('VALIDATION', 'A snooze ends after now, within a week', {
          errors: [{ field: 'until', message: 'must be after now and within 7 days' }],
        });
      }
      return triage(actor, ids, (s) => rules.snooze(s.alert, until));
    },

    /** Noise, with the reason; proposes tuning the detection rule behind each alert. */
    markNoise(actor: Actor, ids: readonly string[], reason: string): Promise<AlertView[]> {
      return triage(actor, ids, (s) => rules.markNoise(s.alert, reason, s.sourceName));
    },

    /**
     * One incident for the alerts selected; its clocks from the earliest detection; with the
     * title and severity chosen (the policy's rule for a severity before reproduction holds).
     */
    openIncident(actor: Actor, ids: readonly string[], opening: TriageOpening) {
      return intoIncident(actor, ids, 'opened', (tx, evidence) =>
        deps.incidents.openFromTriage(tx, actor, evidence, opening),
      );
    },

    /** The alerts selected join the open incident `ref`, which the actor may see. */
    attachToIncident(actor: Actor, ids: readonly string[], ref: string) {
      return intoIncident(actor, ids, 'attached', (tx, evidence) =>
        deps.incidents.attachFromTriage(tx, actor, ref, evidence),
      );
    },
  };
}
