// Containment triggers (Kai 4.2, issue 18 item 6): outbound hooks an admin configures (URL, an
// optional revert URL, the method, and how the receiver knows it is Stopline: a Standard Webhooks
// signature or a bearer token, the secret sealed with the server key). A containment action that
// names one calls it when applied and calls its revert URL when reverted, through the outbox (in
// the action's transaction, so the action is recorded whatever the receiver does); the outbox
// worker records each answer on the incident (`incident.containment_hook_answered`) and retries a
// failed call by the delivery rules. The call carries the action and the incident's id and key,
// never a report or a reporter's data. An exercise never calls a hook: that is recorded instead.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import type { Db, Executor } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { requirePermission, can, type Actor } from '../actor.ts';
import { recordAudit } from '../audit/index.ts';
import * as hooks from './containment-hook-repository.ts';
import type { ContainmentHookRecord, HookAuth, HookMethod } from './containment-hook-repository.ts';
import { incidentEvent, type IncidentEvent } from './incident-events.ts';
import type { ContainmentAction, IncidentState } from './incident-state.ts';

export type { HookAuth, HookMethod };

/** What the incidents subject needs of the notifications subject (the only outbox writer) to
 * call a hook: the call is enqueued in the action's transaction and sent after commit. */
export interface ContainmentCalls {
  enqueueHookCall(
    tx: Executor,
    call: { hookId: string; phase: HookPhase; idempotencyKey: string; body: string },
    at: number,
  ): Promise<void>;
}

export type HookPhase = 'apply' | 'revert';

export interface ContainmentHookDeps {
  db: Db;
  clock: Clock;
  /** The hook's secret is sealed with the server key: the call needs it back. */
  sealer: { seal(plain: string): string; open(sealed: string): string };
  /** Why a receiver URL may not be called (not http(s), a private address), or null. */
  checkUrl(url: string): Promise<string | null>;
  calls: ContainmentCalls;
}

export interface HookInput {
  name: string;
  url: string;
  revertUrl?: string | null | undefined;
  method?: HookMethod | undefined;
  auth?: HookAuth | undefined;
  /** standard_webhooks: a whsec_ secret (default: one is made and shown once); bearer: the token. */
  secret?: string | undefined;
  enabled?: boolean | undefined;
}

/** A hook as listed: the secret never; URLs only to those who manage webhooks. */
export interface HookView {
  id: string;
  name: string;
  method: HookMethod;
  auth: HookAuth;
  enabled: boolean;
  hasRevert: boolean;
  url?: string;
  revertUrl?: string | null;
  createdAt: number;
  updatedAt: number;
  /** Only in the answer that made it (a generated signing secret), never again. */
  secret?: string;
}

/** A hook as a responder picks it: its name, never where it calls. */
export type HookName = Pick<HookView, 'id' | 'name' | 'enabled' | 'hasRevert'>;

/** What the outbox worker needs to make a call: the hook with its secret opened. */
export type HookForCall = Pick<
  ContainmentHookRecord,
  'url' | 'revertUrl' | 'method' | 'auth' | 'secret' | 'enabled'
>;

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

function view(h: ContainmentHookRecord, actor: Actor): HookView {
  const admin = can(actor, 'webhooks.manage');
  return {
    id: h.id,
    name: h.name,
    method: h.method,
    auth: h.auth,
    enabled: h.enabled,
    hasRevert: h.revertUrl !== null,
    ...(admin ? { url: h.url, revertUrl: h.revertUrl } : {}),
    createdAt: h.createdAt,
    updatedAt: h.updatedAt,
  };
}

/** The body of a call: the action and the incident it belongs to, nothing else. */
export function hookCallBody(
  state: Pick<IncidentState, 'id' | 'key'>,
  action: Pick<ContainmentAction, 'id' | 'kind' | 'description'>,
  phase: HookPhase,
  at: number,
  note?: string,
): string {
  return JSON.stringify({
    type: phase === 'apply' ? 'containment.applied' : 'containment.reverted',
    timestamp: new Date(at).toISOString(),
    data: {
      incident: { id: state.id, key: state.key },
      action: {
        id: action.id,
        kind: action.kind,
        description: action.description,
        ...(note === undefined ? {} : { note }),
      },
    },
  });
}

export function createContainmentHooks(deps: ContainmentHookDeps) {
  const { db, clock, sealer } = deps;

  async function checkUrl(field: 'url' | 'revertUrl', url: string | null | undefined) {
    if (url === null || url === undefined) return;
    const refusal = await deps.checkUrl(url);
    if (refusal) {
      throw new AppError('VALIDATION', `The hook's ${field} ${refusal}`, {
        errors: [{ field, message: refusal }],
      });
    }
  }

  function checkSecret(auth: HookAuth, secret: string | undefined) {
    if (secret === undefined) {
      if (auth === 'bearer') {
        throw new AppError('VALIDATION', 'A bearer hook needs its token', {
          errors: [{ field: 'secret', message: 'is required when auth is bearer' }],
        });
      }
      return;
    }
    if (auth === 'standard_webhooks' && !/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/.test(secret)) {
      throw new AppError('VALIDATION', 'A signing secret is "whsec_" and base64 of 24–64 bytes', {
        errors: [{ field: 'secret', message: 'is not a whsec_ secret of 24 to 64 bytes' }],
      });
    }
  }

  async function assertNameFree(tx: Executor, name: string, id: string | null) {
    const other = await hooks.findHookByName(tx, name);
    if (other && other.id !== id) {
      throw new AppError('CONFLICT', `A containment hook is already named "${name}"`, {
        errors: [{ field: 'name', message: 'is taken by another hook' }],
      });
    }
  }

  const audit = (tx: Executor, actor: Actor, action: string, h: ContainmentHookRecord) =>
    recordAudit(tx, {
      actor,
      action,
      target: { type: 'containment_hook', id: h.id },
      at: clock.now(),
      detail: { name: h.name, method: h.method, auth: h.auth, enabled: h.enabled },
    });

  return {
    /** The hooks' configuration (URLs, method, authentication): for those who manage webhooks. */
    async listHooks(actor: Actor): Promise<HookView[]> {
      requirePermission(actor, 'webhooks.manage', "Reading the containment hooks' configuration");
      return (await hooks.listHooks(db)).map((h) => view(h, actor));
    },

    /** The hooks by name, for a responder to pick one when recording containment. */
    async listHookNames(actor: Actor): Promise<HookName[]> {
      requirePermission(actor, 'incidents.update', 'Listing containment hooks by name');
      return (await hooks.listHooks(db)).map((h) => ({
        id: h.id,
        name: h.name,
        enabled: h.enabled,
        hasRevert: h.revertUrl !== null,
      }));
    },

    async createHook(actor: Actor, input: HookInput): Promise<HookView> {
      requirePermission(actor, 'webhooks.manage', 'Configuring a containment hook');
      const auth = input.auth ?? 'standard_webhooks';
      checkSecret(auth, input.secret);
      await checkUrl('url', input.url);
      await checkUrl('revertUrl', input.revertUrl);
      const secret = input.secret ?? newSecret();
      const at = clock.now();
      const hook: ContainmentHookRecord = {
        id: newId(),
        name: input.name,
        url: input.url,
        revertUrl: input.revertUrl ?? null,
        method: input.method ?? 'POST',
        auth,
        secret: sealer.seal(secret),
        enabled: input.enabled ?? true,
        createdBy: actor.userId,
        createdAt: at,
        updatedAt: at,
      };
      await db.transaction().execute(async (tx) => {
        await assertNameFree(tx, hook.name, null);
        await hooks.insertHook(tx, hook);
        await audit(tx, actor, 'containment_hook.created', hook);
      });
      return { ...view(hook, actor), ...(input.secret === undefined ? { secret } : {}) };
    },

    async updateHook(
      actor: Actor,
      id: string,
      changes: Partial<Omit<HookInput, 'auth'>> & { auth?: HookAuth },
    ): Promise<HookView> {
      requirePermission(actor, 'webhooks.manage', 'Changing a containment hook');
      await checkUrl('url', changes.url);
      await checkUrl('revertUrl', changes.revertUrl);
      return db.transaction().execute(async (tx) => {
        const found = await hooks.findHook(tx, id);
        if (!found) throw new AppError('NOT_FOUND', 'Containment hook was not found');
        const auth = changes.auth ?? found.auth;
        if (auth !== found.auth && changes.secret === undefined && auth === 'bearer') {
          checkSecret(auth, undefined);
        }
        checkSecret(auth, changes.secret);
        if (changes.name !== undefined) await assertNameFree(tx, changes.name, id);
        const next: ContainmentHookRecord = {
          ...found,
          name: changes.name ?? found.name,
          url: changes.url ?? found.url,
          revertUrl: changes.revertUrl === undefined ? found.revertUrl : changes.revertUrl,
          method: changes.method ?? found.method,
          auth,
          secret: changes.secret === undefined ? found.secret : sealer.seal(changes.secret),
          enabled: changes.enabled ?? found.enabled,
          updatedAt: clock.now(),
        };
        await hooks.updateHook(tx, next);
        await audit(tx, actor, 'containment_hook.updated', next);
        return view(next, actor);
      });
    },

    /** The hook a containment action names, as its rules see it (null: there is none). */
    async findChoice(tx: Executor, id: string) {
      const found = await hooks.findHook(tx, id);
      return found && { id: found.id, enabled: found.enabled };
    },

    /**
     * Calls the action's hook for this phase, in the action's transaction: enqueued for the
     * outbox; an exercise or a revert without a revert URL is not called, and an exercise says so
     * on the record (the events returned).
     */
    async call(
      tx: Executor,
      state: IncidentState,
      action: Pick<ContainmentAction, 'id' | 'kind' | 'description' | 'hookId'>,
      phase: HookPhase,
      at: number,
      note?: string,
    ): Promise<IncidentEvent[]> {
      if (!action.hookId) return [];
      const hook = await hooks.findHook(tx, action.hookId);
      if (!hook || (phase === 'revert' && hook.revertUrl === null)) return [];
      if (state.exercise !== null || !hook.enabled) {
        const error =
          state.exercise !== null
            ? 'an exercise never calls a containment hook'
            : 'the hook is switched off';
        return [
          incidentEvent('incident.containment_hook_answered', {
            actionId: action.id,
            hookId: hook.id,
            phase,
            outcome: 'skipped',
            status: null,
            excerpt: '',
            error,
            attempt: 0,
            retryAt: null,
          }),
        ];
      }
      await deps.calls.enqueueHookCall(
        tx,
        {
          hookId: hook.id,
          phase,
          idempotencyKey: `containment_${phase}_${action.id}`,
          body: hookCallBody(state, action, phase, at, note),
        },
        at,
      );
      return [];
    },

    /** For the outbox worker: the hook with its secret opened, or null when it is gone. */
    async findForCall(id: string): Promise<HookForCall | null> {
      const found = await hooks.findHook(db, id);
      return (
        found && {
          url: found.url,
          revertUrl: found.revertUrl,
          method: found.method,
          auth: found.auth,
          secret: sealer.open(found.secret),
          enabled: found.enabled,
        }
      );
    },
  };
}

export type ContainmentHooks = ReturnType<typeof createContainmentHooks>;
