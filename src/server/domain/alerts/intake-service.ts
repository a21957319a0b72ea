// Alert intake: a monitoring tool sends a payload with its source's key. The key names the source
// (unknown: 404, and nothing is kept but a counter); the signature is checked where the source
// has a signing secret; a source over its rate is refused (429 with Retry-After) before anything
// is stored. Then the payload's bytes are stored and hashed before anything parses them, and
// each alert in it is recorded in one transaction: a new alert, or the open alert with the same
// dedup key updated (re-fired, acknowledged, resolved). A new alert is routed by the policy.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { isUniqueViolation } from '../../db/event-store.ts';
import { hitRateLimit } from '../../db/rate-limit.ts';
import { lockKeys } from '../../db/key-lock.ts';
import type { Db, Dialect, Executor } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { AlertSourceKind } from '../../../shared/domain/alerts.ts';
import { appendToAlert } from './alert-projection.ts';
import * as alerts from './alert-repository.ts';
import { applySignal } from './alert-rules.ts';
import type { AlertState } from './alert-state.ts';
import {
  invalidEvent,
  parseJson,
  readAlertmanager,
  readGeneric,
  readPagerDuty,
  type AlertSignal,
} from './intake-rules.ts';
import { storePayload, type StoredPayload } from './payload-store.ts';
import { sha256Hex, signatureMatches } from './payload-signature.ts';
import type { SecretSealer } from './source-service.ts';
import * as sources from './source-repository.ts';
import type { AlertSourceRecord } from './source-repository.ts';

/** Routes a new alert by the policy, in the alert's transaction (routing-service.ts). */
export interface AlertRouter {
  route(
    tx: Executor,
    alert: AlertState,
    source: AlertSourceRecord,
    at: number,
  ): Promise<AlertState>;
  /** Monitoring resolved the alert: its incident's record says so. */
  resolved(tx: Executor, alert: AlertState, source: AlertSourceRecord, at: number): Promise<void>;
}

export interface IntakeDeps {
  db: Db;
  dialect: Dialect;
  clock: Clock;
  sealer: SecretSealer;
  router: AlertRouter;
}

export interface IntakeRequest {
  kind: AlertSourceKind;
  /** A webhook's key (bearer, or basic password); PagerDuty's is its routing_key, in the body. */
  key: string | null;
  raw: Buffer;
  contentType: string | null;
  /** A request header by its lower-case name. */
  header(name: string): string | undefined;
}

export interface SignalResult {
  dedupKey: string;
  /** The alert it created or changed; null: nothing to change (e.g. resolving a resolved key). */
  alertId: string | null;
  outcome: 'new' | 'update' | 'none';
}

export interface IntakeResult {
  payloadId: string;
  results: SignalResult[];
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Concurrent senders of the same dedup key race for the open alert; the loser tries again. */
const ATTEMPTS = 5;

/** The routing_key of a PagerDuty event, read before the rest of it is checked. */
export function pagerDutyKey(text: string): string | null {
  let body: { routing_key?: unknown } | null;
  try {
    body = JSON.parse(text) as { routing_key?: unknown } | null;
  } catch {
    throw invalidEvent([{ field: 'body', message: 'is not JSON' }], 'The body is not JSON');
  }
  const key = body !== null && typeof body === 'object' ? body.routing_key : undefined;
  return typeof key === 'string' && key.length > 0 ? key : null;
}

export function createIntakeService(deps: IntakeDeps) {
  const { db, dialect, clock, sealer, router } = deps;

  async function sourceFor(request: IntakeRequest, now: number): Promise<AlertSourceRecord> {
    const found = request.key
      ? await sources.findSourceByKeyHash(db, sha256Hex(request.key))
      : null;
    if (!found || !found.enabled || found.kind !== request.kind) {
      // Unknown keys are counted, nothing else is kept.
      await hitRateLimit(db, { bucket: 'alert-intake:unknown-key', windowMs: DAY, now });
      throw new AppError('NOT_FOUND', `No ${request.kind} alert source has this key`);
    }
    return found;
  }

  function checkSignature(source: AlertSourceRecord, request: IntakeRequest) {
    if (source.signingSecret === null) return;
    const header = source.signatureHeader ?? 'x-stopline-signature';
    const ok = signatureMatches(
      sealer.open(source.signingSecret),
      request.raw,
      request.header(header),
      request.header(`${header}-timestamp`),
    );
    if (!ok) {
      throw new AppError('UNAUTHENTICATED', `The payload's signature (${header}) does not match`);
    }
  }

  async function checkRate(source: AlertSourceRecord, now: number) {
    const window = { bucket: `alert-source:${source.id}`, windowMs: MINUTE, now };
    const count = await hitRateLimit(db, window);
    if (count > source.ratePerMinute) {
      const retryAfterSeconds = Math.max(1, Math.ceil((MINUTE - (now % MINUTE)) / 1000));
      throw new AppError(
        'RATE_LIMITED',
        `This source sent more than ${source.ratePerMinute} payloads this minute`,
        { retryAfterSeconds },
      );
    }
  }

  function signalsOf(source: AlertSourceRecord, payload: StoredPayload): AlertSignal[] {
    const body = parseJson(payload.text);
    switch (source.kind) {
      case 'pagerduty':
        return [readPagerDuty(body, () => randomBytes(16).toString('hex'))];
      case 'alertmanager':
      case 'grafana':
        return readAlertmanager(body, source.kind);
      case 'generic':
        return readGeneric(body, source.mapping!);
    }
  }

  async function recordSignal(
    tx: Executor,
    source: AlertSourceRecord,
    signal: AlertSignal,
    payload: StoredPayload,
    now: number,
  ): Promise<SignalResult> {
    const open = await alerts.findOpenAlert(tx, source.id, signal.dedupKey);
    const ref = { payloadId: payload.id, payloadHash: payload.sha256 };
    const outcome = applySignal(open, signal, source.id, ref, now);
    if (outcome.kind === 'none')
      return { dedupKey: signal.dedupKey, alertId: null, outcome: 'none' };
    const id = open?.id ?? newId();
    let after = await appendToAlert(tx, id, open, outcome.events, now);
    if (outcome.kind === 'new') after = await router.route(tx, after, source, now);
    else if (after.status === 'resolved') await router.resolved(tx, after, source, now);
    return { dedupKey: signal.dedupKey, alertId: after.id, outcome: outcome.kind };
  }

  async function recordAll(
    source: AlertSourceRecord,
    signals: AlertSignal[],
    payload: StoredPayload,
  ): Promise<SignalResult[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction(db, async (tx) => {
          // Senders of the same dedup key wait for each other rather than race.
          await lockKeys(
            tx,
            dialect,
            signals.map((s) => `alert:${source.id}:${s.dedupKey}`),
          );
          const now = clock.now();
          const results: SignalResult[] = [];
          for (const signal of signals) {
            results.push(await recordSignal(tx, source, signal, payload, now));
          }
          return results;
        });
      } catch (error) {
        const raced =
          isUniqueViolation(error) || (error instanceof AppError && error.code === 'CONFLICT');
        if (!raced || attempt >= ATTEMPTS) throw error;
      }
    }
  }

  return {
    /** Takes one payload from a monitoring tool; see the file's head for the order of checks. */
    async receive(input: IntakeRequest): Promise<IntakeResult> {
      const now = clock.now();
      const key = input.kind === 'pagerduty' ? pagerDutyKey(input.raw.toString('utf8')) : input.key;
      const request = { ...input, key };
      const source = await sourceFor(request, now);
      checkSignature(source, request);
      await checkRate(source, now);
      const payload = await storePayload(db, {
        id: newId(),
        sourceId: source.id,
        raw: request.raw,
        // The key itself is never stored: masked in the stored bytes (same length).
        mask: key!,
        contentType: request.contentType,
        at: now,
      });
      const signals = signalsOf(source, payload);
      const results = await recordAll(source, signals, payload);
      return { payloadId: payload.id, results };
    },
  };
}
