// /api/v1/status/customers: the status page's customers, named organisations with contacts and
// the components they use. Admins (status.manage) keep them; whoever may publish
// (status.publish, the communications lead) reads them and sends an incident's latest published
// update to the customers it affects, which meets the 4 h customer clock (docs/status-page.md).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponse } from '../../../shared/api/problems.ts';
import {
  CreateStatusCustomer,
  CustomersNotified,
  PublicIncidentRef,
  StatusCustomer,
  StatusCustomerList,
  StatusCustomerRef,
  UpdateStatusCustomer,
} from '../../../shared/api/status.ts';
import type { StatusCustomerState, StatusModule } from '../../domain/status/index.ts';
import { actorOf } from './incident-commands.ts';
import { presentTime } from './time-presenter.ts';

const tags = ['status page'];

function presentCustomer(c: StatusCustomerState): z.input<typeof StatusCustomer> {
  return {
    id: c.id,
    name: c.name,
    componentIds: c.componentIds,
    contacts: c.contacts,
    notices: c.notices.map((n) => ({ ...n, at: presentTime(n.at) })),
    version: c.version,
    createdAt: presentTime(c.createdAt),
    updatedAt: presentTime(c.updatedAt),
  };
}

export async function statusCustomerRoutes(
  app: FastifyInstance,
  opts: {
    status: Pick<
      StatusModule,
      | 'listCustomers'
      | 'getCustomer'
      | 'addCustomer'
      | 'changeCustomer'
      | 'removeCustomer'
      | 'notifyAffectedCustomers'
    >;
  },
) {
  const { status } = opts;
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get(
    '/api/v1/status/customers',
    {
      config: { permission: 'status.publish' },
      schema: {
        summary: 'Customers with their contacts and the components they use, by name',
        tags,
        response: { 200: StatusCustomerList },
      },
    },
    async () => ({ items: (await status.listCustomers()).map(presentCustomer) }),
  );

  typed.post(
    '/api/v1/status/customers',
    {
      config: { permission: 'status.manage' },
      schema: {
        summary: 'Add a customer',
        description:
          'A unique `name`, the `componentIds` it uses (a group stands for its components) and ' +
          'its `contacts` (each address once). An unknown component is a 400 naming ' +
          '`componentIds.N`.',
        tags,
        body: CreateStatusCustomer,
        response: { 201: StatusCustomer },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(presentCustomer(await status.addCustomer(actorOf(request), request.body))),
  );

  typed.get(
    '/api/v1/status/customers/:id',
    {
      config: { permission: 'status.publish' },
      schema: {
        summary: 'One customer, with the updates its contacts were sent',
        tags,
        params: StatusCustomerRef,
        response: { 200: StatusCustomer },
      },
    },
    async (request) => presentCustomer(await status.getCustomer(request.params.id)),
  );

  typed.patch(
    '/api/v1/status/customers/:id',
    {
      config: { permission: 'status.manage' },
      schema: {
        summary: 'Rename a customer, or change its components or contacts',
        tags,
        params: StatusCustomerRef,
        body: UpdateStatusCustomer,
        response: { 200: StatusCustomer },
      },
    },
    async (request) =>
      presentCustomer(
        await status.changeCustomer(actorOf(request), request.params.id, request.body),
      ),
  );

  typed.delete(
    '/api/v1/status/customers/:id',
    {
      config: { permission: 'status.manage' },
      schema: {
        summary: 'Remove a customer (its record stays)',
        tags,
        params: StatusCustomerRef,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await status.removeCustomer(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  typed.post(
    '/api/v1/status/incidents/:id/notify-customers',
    {
      config: { permission: 'status.publish' },
      schema: {
        summary: 'Notify affected customers: the latest published update, to their contacts',
        description:
          "E-mails the public incident's latest published update (plain text, exactly as " +
          'published) to the contacts of every customer that uses a component it affects and ' +
          'was not sent that update yet, records each e-mail on the customer, and meets the ' +
          "customer clock (first notice within the policy's customerNoticeWithin, then each " +
          'update) of the internal incident it speaks for, with `metBy: ' +
          'status.customer_notified`. Refused (422) when no customer uses an affected ' +
          'component, or every one already has the latest update.',
        tags,
        params: PublicIncidentRef,
        response: { 200: CustomersNotified, 422: problemResponse('Nobody to notify') },
      },
    },
    async (request) => status.notifyAffectedCustomers(actorOf(request), request.params.id),
  );
}
