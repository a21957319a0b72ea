// Web Push to the installed console: the server's VAPID key pair (made at the first start, the
// private half sealed with the server key, the same for every instance), and each person's own
// browser subscriptions. A person registers and removes only their own: a subscription is the
// signed-in caller's, whatever the request says, and one held by another person is refused.
import webPush from 'web-push';
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { requirePermission, type Actor } from '../actor.ts';
import { recordAudit, type SecretBox } from '../accounts/index.ts';
import * as subscriptions from './push-subscription-repository.ts';

export interface PushDeps {
  db: Db;
  clock: Clock;
  secretBox: SecretBox;
  /** Why a push service's URL may not be used (not https, or an internal address), or null. */
  checkPushEndpoint(url: string): Promise<string | null>;
  /** Who runs this server, for push services (the VAPID `sub`: mailto: or https:). */
  pushContact: string;
}

/** A browser's subscription as the person registers it (PushSubscription.toJSON()). */
export interface PushSubscriptionInput {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  /** What the person calls the device (the console sends the browser's own name). */
  device: string;
}

/** One of my devices, as listed: never its keys. */
export interface PushDevice {
  id: string;
  endpoint: string;
  device: string;
  createdAt: number;
}

/** What the worker needs to send one push: the subscription and the server's key pair opened. */
export interface PushTarget {
  subscriptionId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  vapid: { publicKey: string; privateKey: string; subject: string };
}

/** Devices one person may register: enough for every browser they use, not a flood. */
export const MAX_PUSH_DEVICES = 10;

const unpadded = (key: string) => key.replace(/=+$/, '');

function present(s: subscriptions.StoredPushSubscription): PushDevice {
  return { id: s.id, endpoint: s.endpoint, device: s.device, createdAt: s.createdAt };
}

function ownerOf(actor: Actor): string {
  requirePermission(actor, 'account.manage_own');
  if (!actor.userId) throw new AppError('FORBIDDEN', 'Push subscriptions belong to a person');
  return actor.userId;
}

export function createPushService(deps: PushDeps) {
  const { db, clock, secretBox } = deps;

  async function keys(): Promise<subscriptions.StoredVapidKeys> {
    const found = await subscriptions.findVapidKeys(db);
    if (found) return found;
    return preparePushKeys();
  }

  /** Makes the VAPID key pair unless one is stored (the first start); instances starting
   * together keep whichever was stored first. */
  async function preparePushKeys(): Promise<subscriptions.StoredVapidKeys> {
    const found = await subscriptions.findVapidKeys(db);
    if (found) return found;
    const made = webPush.generateVAPIDKeys();
    return subscriptions.keepVapidKeys(
      db,
      { publicKey: made.publicKey, sealedPrivateKey: secretBox.seal(made.privateKey) },
      clock.now(),
    );
  }

  return {
    preparePushKeys,

    /** The server's public key (the console's applicationServerKey) and my devices. */
    async listOwnPushDevices(actor: Actor): Promise<{ publicKey: string; devices: PushDevice[] }> {
      const userId = ownerOf(actor);
      const { publicKey } = await keys();
      const devices = await subscriptions.listPushSubscriptions(db, userId);
      return { publicKey, devices: devices.map(present) };
    },

    /** Registers this browser for me. The same browser again (its endpoint) renews its keys;
     * an endpoint another person registered is refused (409): that browser must unsubscribe
     * and subscribe anew, which gives it a new endpoint. */
    async subscribePush(
      actor: Actor,
      input: PushSubscriptionInput,
    ): Promise<{ device: PushDevice; created: boolean }> {
      const userId = ownerOf(actor);
      const refusal = await deps.checkPushEndpoint(input.endpoint);
      if (refusal) {
        throw new AppError('RULE_REFUSED', `The push service URL ${refusal}`, {
          errors: [{ field: 'endpoint', message: refusal }],
        });
      }
      const p256dh = unpadded(input.keys.p256dh);
      const sealedAuth = secretBox.seal(unpadded(input.keys.auth));
      const at = clock.now();
      return db.transaction().execute(async (tx) => {
        const held = await subscriptions.findPushSubscription(tx, {
          endpoint: input.endpoint,
        });
        if (held && held.userId !== userId) {
          const message =
            'This browser is registered for another person: unsubscribe it and subscribe again';
          throw new AppError('CONFLICT', message, {
            errors: [{ field: 'endpoint', message }],
          });
        }
        if (held) {
          await subscriptions.updatePushKeys(tx, held.id, {
            p256dh,
            sealedAuth,
            device: input.device,
          });
          return { device: present({ ...held, device: input.device }), created: false };
        }
        const mine = await subscriptions.listPushSubscriptions(tx, userId);
        if (mine.length >= MAX_PUSH_DEVICES) {
          throw new AppError(
            'CONFLICT',
            `At most ${MAX_PUSH_DEVICES} devices can receive pushes: remove one first`,
          );
        }
        const stored: subscriptions.StoredPushSubscription = {
          id: newId(),
          userId,
          endpoint: input.endpoint,
          p256dh,
          sealedAuth,
          device: input.device,
          createdAt: at,
        };
        await subscriptions.insertPushSubscription(tx, stored);
        await recordAudit(tx, {
          actor,
          action: 'push_subscription.create',
          target: { type: 'user', id: userId },
          at,
          detail: { subscriptionId: stored.id, device: stored.device },
        });
        return { device: present(stored), created: true };
      });
    },

    /** Removes one of my devices; another person's is not found, as an unknown one. */
    async unsubscribePush(actor: Actor, id: string): Promise<void> {
      const userId = ownerOf(actor);
      await db.transaction().execute(async (tx) => {
        if (!(await subscriptions.deletePushSubscription(tx, id, userId))) {
          throw new AppError('NOT_FOUND', 'No such push subscription of yours');
        }
        await recordAudit(tx, {
          actor,
          action: 'push_subscription.delete',
          target: { type: 'user', id: userId },
          at: clock.now(),
          detail: { subscriptionId: id },
        });
      });
    },

    /** For the delivery worker: a subscription with its secret and the server's key opened. */
    async findPushTarget(id: string): Promise<PushTarget | null> {
      const found = await subscriptions.findPushSubscription(db, { id });
      if (!found) return null;
      const pair = await keys();
      return {
        subscriptionId: found.id,
        endpoint: found.endpoint,
        p256dh: found.p256dh,
        auth: secretBox.open(found.sealedAuth),
        vapid: {
          publicKey: pair.publicKey,
          privateKey: secretBox.open(pair.sealedPrivateKey),
          subject: deps.pushContact,
        },
      };
    },

    /** For the delivery worker: the push service says the subscription is gone (404, 410). */
    async forgetPushSubscription(id: string): Promise<void> {
      await subscriptions.deletePushSubscription(db, id);
    },
  };
}
