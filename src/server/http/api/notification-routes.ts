// /api/v1/me/notification-preferences and /api/v1/me/push-subscriptions (one's own),
// /api/v1/webhook-endpoints and /api/v1/outbox (admins: endpoints, the delivery log, retrying a
// dead letter).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CreateWebhookEndpointBody,
  NotificationPreferencesBody,
  NotificationPreferencesView,
  OutboxMessageDetail,
  OutboxMessageView,
  OutboxQueryParams,
  PageView,
  PushDeviceView,
  PushSubscriptionBody,
  PushSubscriptionsView,
  UpdateWebhookEndpointBody,
  WebhookEndpointView,
} from '../../../shared/api/notifications.ts';
import { problemResponse } from '../../../shared/api/problems.ts';
import type { NotificationsModule } from '../../domain/notifications/index.ts';
import type { PreferencesInput } from '../../domain/notifications/index.ts';
import {
  presentAttempt,
  presentEndpoint,
  presentOutboxMessage,
  presentPage,
  presentPreferences,
  presentPushDevice,
} from './notification-presenters.ts';
import { caller } from './session-routes.ts';

const IdParams = z.object({ id: z.string().min(1).max(100) });

function minuteOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

function toPreferences(body: NotificationPreferencesBody): PreferencesInput {
  return {
    channels: body.channels,
    quietHours: body.quietHours
      ? {
          startMinute: minuteOf(body.quietHours.start),
          endMinute: minuteOf(body.quietHours.end),
          timeZone: body.quietHours.timeZone,
        }
      : null,
    slackMemberId: body.slackMemberId,
    ntfy: body.ntfy,
    phone: body.phone,
  };
}

export async function notificationRoutes(
  app: FastifyInstance,
  opts: { notifications: NotificationsModule },
) {
  const { notifications } = opts;
  const api = app.withTypeProvider<ZodTypeProvider>();

  const own = { permission: 'account.manage_own' } as const;
  api.get(
    '/api/v1/me/notification-preferences',
    {
      config: own,
      schema: {
        tags: ['notifications'],
        summary: 'Which of my channels tell me about which events, and my quiet hours',
        response: { 200: NotificationPreferencesView },
      },
    },
    async (request) =>
      presentPreferences(await notifications.getPreferences(caller(request).actor)),
  );
  api.put(
    '/api/v1/me/notification-preferences',
    {
      config: own,
      schema: {
        tags: ['notifications'],
        summary: 'Replace my notification preferences',
        body: NotificationPreferencesBody,
        response: { 200: NotificationPreferencesView },
      },
    },
    async (request) =>
      presentPreferences(
        await notifications.setPreferences(caller(request).actor, toPreferences(request.body)),
      ),
  );

  api.get(
    '/api/v1/me/push-subscriptions',
    {
      config: own,
      schema: {
        tags: ['notifications'],
        summary:
          "My browsers that take Web Push (the channel push), and the server's VAPID public key to subscribe with",
        response: { 200: PushSubscriptionsView },
      },
    },
    async (request) => {
      const mine = await notifications.listOwnPushDevices(caller(request).actor);
      return { publicKey: mine.publicKey, devices: mine.devices.map(presentPushDevice) };
    },
  );
  api.post(
    '/api/v1/me/push-subscriptions',
    {
      config: own,
      schema: {
        tags: ['notifications'],
        summary:
          "Register this browser's push subscription for me (201; the same browser again: its keys renewed, 200)",
        description:
          "The subscription is always the signed-in person's: the body names no person, and a " +
          'field beyond PushSubscription.toJSON() and `device` is a 400. The endpoint must be ' +
          'https (plain http only to an address STOPLINE_OUTBOUND_ALLOW allows) and a public ' +
          'address, as any receiver (422 naming `endpoint`). An endpoint another person ' +
          'registered is a 409: that browser must unsubscribe and subscribe again. At most 10 ' +
          'devices per person (409).',
        body: PushSubscriptionBody,
        response: {
          200: PushDeviceView,
          201: PushDeviceView,
          409: problemResponse(
            'The browser is registered for another person, or I have 10 devices already',
          ),
          422: problemResponse(
            'The push service URL is not https or points at a non-public address (errors names endpoint)',
          ),
        },
      },
    },
    async (request, reply) => {
      const { endpoint, keys, device } = request.body;
      const done = await notifications.subscribePush(caller(request).actor, {
        endpoint,
        keys,
        device,
      });
      return reply.status(done.created ? 201 : 200).send(presentPushDevice(done.device));
    },
  );
  api.delete(
    '/api/v1/me/push-subscriptions/:id',
    {
      config: own,
      schema: {
        tags: ['notifications'],
        summary: "Stop Web Push to one of my browsers (another person's is 404, as an unknown one)",
        params: IdParams,
        response: {
          204: z.null(),
          404: problemResponse('No such push subscription of mine'),
        },
      },
    },
    async (request, reply) => {
      await notifications.unsubscribePush(caller(request).actor, request.params.id);
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/api/v1/me/pages',
    {
      config: own,
      schema: {
        tags: ['notifications'],
        summary:
          'Pages that reached me (urgent notices that climb the policy ladder until acknowledged), newest first',
        response: { 200: z.array(PageView) },
      },
    },
    async (request) => (await notifications.listOwnPages(caller(request).actor)).map(presentPage),
  );
  api.post(
    '/api/v1/pages/:id/acknowledge',
    {
      config: own,
      schema: {
        tags: ['notifications'],
        summary: 'Acknowledge a page that reached me: it stops climbing the ladder',
        params: IdParams,
        response: {
          200: PageView,
          403: problemResponse('The page did not reach me'),
          409: problemResponse('The page was already acknowledged (by me or another)'),
        },
      },
    },
    async (request) =>
      presentPage(await notifications.acknowledgePage(caller(request).actor, request.params.id)),
  );

  const hooks = { permission: 'webhooks.manage' } as const;
  const tags = ['webhooks'];
  const refusedUrl = problemResponse(
    'The URL points at a loopback, private, link-local or other non-public address (errors names the url field); STOPLINE_OUTBOUND_ALLOW can allow a range',
  );
  api.get(
    '/api/v1/webhook-endpoints',
    {
      config: hooks,
      schema: {
        tags,
        summary: 'Configured webhook, Slack and chat endpoints (secrets are never listed)',
        response: { 200: z.array(WebhookEndpointView) },
      },
    },
    async (request) =>
      (await notifications.listEndpoints(caller(request).actor)).map(presentEndpoint),
  );
  api.post(
    '/api/v1/webhook-endpoints',
    {
      config: hooks,
      schema: {
        tags,
        summary: 'Add an endpoint; a Standard Webhooks signing secret is shown once',
        body: CreateWebhookEndpointBody,
        response: { 201: WebhookEndpointView, 422: refusedUrl },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          presentEndpoint(await notifications.createEndpoint(caller(request).actor, request.body)),
        ),
  );
  api.patch(
    '/api/v1/webhook-endpoints/:id',
    {
      config: hooks,
      schema: {
        tags,
        summary: 'Change an endpoint, switch it off, or rotate its secret (shown once)',
        params: IdParams,
        body: UpdateWebhookEndpointBody,
        response: { 200: WebhookEndpointView, 422: refusedUrl },
      },
    },
    async (request) =>
      presentEndpoint(
        await notifications.updateEndpoint(caller(request).actor, request.params.id, request.body),
      ),
  );
  api.delete(
    '/api/v1/webhook-endpoints/:id',
    {
      config: hooks,
      schema: { tags, summary: 'Remove an endpoint', params: IdParams },
    },
    async (request, reply) => {
      await notifications.deleteEndpoint(caller(request).actor, request.params.id);
      return reply.status(204).send();
    },
  );

  const outbox = { permission: 'outbox.manage' } as const;
  api.get(
    '/api/v1/outbox',
    {
      config: outbox,
      schema: {
        tags: ['outbox'],
        summary: 'Outgoing notices, newest first; filter by status (dead: the dead letters)',
        querystring: OutboxQueryParams,
        response: { 200: z.array(OutboxMessageView) },
      },
    },
    async (request) =>
      (await notifications.listOutbox(caller(request).actor, request.query)).map(
        presentOutboxMessage,
      ),
  );
  api.get(
    '/api/v1/outbox/:id',
    {
      config: outbox,
      schema: {
        tags: ['outbox'],
        summary: 'One notice with every delivery attempt',
        params: IdParams,
        response: { 200: OutboxMessageDetail },
      },
    },
    async (request) => {
      const message = await notifications.getOutboxMessage(
        caller(request).actor,
        request.params.id,
      );
      return {
        ...presentOutboxMessage(message),
        attemptLog: message.attemptLog.map(presentAttempt),
      };
    },
  );
  api.post(
    '/api/v1/outbox/:id/retry',
    {
      config: outbox,
      schema: {
        tags: ['outbox'],
        summary: 'Send a dead letter again, with a fresh round of attempts',
        params: IdParams,
        response: { 200: OutboxMessageView },
      },
    },
    async (request) =>
      presentOutboxMessage(
        await notifications.retryOutboxMessage(caller(request).actor, request.params.id),
      ),
  );
}
