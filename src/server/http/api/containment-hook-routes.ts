// /api/v1/containment-hooks: admins (webhooks.manage) configure and read the outbound hooks a
// containment action may call; those who record containment (incidents.update) list their names
// only (/api/v1/containment-hook-names) to pick one.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  ContainmentHook,
  ContainmentHookList,
  ContainmentHookNameList,
  ContainmentHookRef,
  CreateContainmentHook,
  UpdateContainmentHook,
} from '../../../shared/api/incidents.ts';
import type { HookView, IncidentsModule } from '../../domain/incidents/index.ts';
import { actorOf } from './incident-commands.ts';
import { presentTime } from './time-presenter.ts';

const tags = ['incidents'];

const present = (h: HookView) => ({
  ...h,
  createdAt: presentTime(h.createdAt),
  updatedAt: presentTime(h.updatedAt),
});

export async function containmentHookRoutes(
  app: FastifyInstance,
  opts: {
    incidents: Pick<
      IncidentsModule,
      | 'listContainmentHooks'
      | 'listContainmentHookNames'
      | 'createContainmentHook'
      | 'updateContainmentHook'
    >;
  },
) {
  const { incidents } = opts;
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get(
    '/api/v1/containment-hooks',
    {
      // The configuration (URLs, method, authentication; never the secret).
      config: { permission: 'webhooks.manage' },
      schema: {
        summary: 'Containment hooks and their configuration (URLs; never the secret)',
        tags,
        response: { 200: ContainmentHookList },
      },
    },
    async (request) => ({
      items: (await incidents.listContainmentHooks(actorOf(request))).map(present),
    }),
  );

  typed.get(
    '/api/v1/containment-hook-names',
    {
      // Those who record containment pick a hook by name; where it calls is not theirs to read.
      config: { permission: 'incidents.update' },
      schema: {
        summary: 'Containment hooks by name, to pick one when recording containment',
        tags,
        response: { 200: ContainmentHookNameList },
      },
    },
    async (request) => ({ items: await incidents.listContainmentHookNames(actorOf(request)) }),
  );

  typed.post(
    '/api/v1/containment-hooks',
    {
      config: { permission: 'webhooks.manage' },
      schema: {
        summary: 'Add a containment hook; a signing secret Stopline makes is shown here only',
        tags,
        body: CreateContainmentHook,
        response: { 201: ContainmentHook },
      },
    },
    async (request, reply) => {
      const made = await incidents.createContainmentHook(actorOf(request), request.body);
      reply.header('cache-control', 'no-store');
      return reply.status(201).send(present(made));
    },
  );

  typed.patch(
    '/api/v1/containment-hooks/:id',
    {
      config: { permission: 'webhooks.manage' },
      schema: {
        summary: 'Change a containment hook (URLs, method, secret), or switch it off or on',
        tags,
        params: ContainmentHookRef,
        body: UpdateContainmentHook,
        response: { 200: ContainmentHook },
      },
    },
    async (request) =>
      present(
        await incidents.updateContainmentHook(actorOf(request), request.params.id, request.body),
      ),
  );
}
