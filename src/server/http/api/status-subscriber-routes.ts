// /api/v1/status/subscribers: admins (status.manage) see who subscribed to the public status
// page by e-mail, confirmed or not, and remove an address. Subscribing, confirming and leaving
// are the subscriber's own, on the public pages (status-subscription-routes.ts).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  StatusSubscriberList,
  StatusSubscriberRef,
  type StatusSubscriber,
} from '../../../shared/api/status.ts';
import type { StatusModule, StatusSubscriber as Subscriber } from '../../domain/status/index.ts';

const tags = ['status page'];
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function presentSubscriber(s: Subscriber): StatusSubscriber {
  return {
    id: s.id,
    email: s.email,
    componentIds: s.componentIds,
    confirmed: s.confirmedAt !== null,
    confirmedAt: iso(s.confirmedAt),
    createdAt: iso(s.createdAt)!,
  };
}

export async function statusSubscriberRoutes(
  app: FastifyInstance,
  opts: { status: Pick<StatusModule, 'listSubscribers' | 'removeSubscriber'> },
) {
  const { status } = opts;
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get(
    '/api/v1/status/subscribers',
    {
      config: { permission: 'status.manage' },
      schema: {
        summary: 'E-mail subscribers of the public status page, newest first',
        tags,
        response: { 200: StatusSubscriberList },
      },
    },
    async () => ({ items: (await status.listSubscribers()).map(presentSubscriber) }),
  );

  typed.delete(
    '/api/v1/status/subscribers/:id',
    {
      config: { permission: 'status.manage' },
      schema: {
        summary: 'Remove a subscriber: the address hears nothing more and is not kept',
        tags,
        params: StatusSubscriberRef,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await status.removeSubscriber(request.params.id);
      return reply.status(204).send(null);
    },
  );
}
