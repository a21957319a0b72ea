// /api/v1/status/stakeholders: the stakeholder list (executives, account managers), members of
// staff who get an internal status briefing on the policy's cadence while an incident they may
// see is active (communications.briefings; docs/status-page.md). Admins (status.manage) keep it.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  PutStakeholder,
  Stakeholder,
  StakeholderList,
  StakeholderRef,
} from '../../../shared/api/status.ts';
import type { StatusModule, Stakeholder as Entry } from '../../domain/status/index.ts';
import { actorOf } from './incident-commands.ts';
import { presentTime } from './time-presenter.ts';

const tags = ['status page'];
const present = (s: Entry): z.input<typeof Stakeholder> => ({
  ...s,
  addedAt: presentTime(s.addedAt),
});

export async function statusStakeholderRoutes(
  app: FastifyInstance,
  opts: {
    status: Pick<StatusModule, 'listStakeholders' | 'putStakeholder' | 'removeStakeholder'>;
  },
) {
  const { status } = opts;
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get(
    '/api/v1/status/stakeholders',
    {
      config: { permission: 'status.manage' },
      schema: {
        summary: 'The stakeholder list: who is briefed while an incident is active',
        tags,
        response: { 200: StakeholderList },
      },
    },
    async () => ({ items: (await status.listStakeholders()).map(present) }),
  );

  typed.put(
    '/api/v1/status/stakeholders/:userId',
    {
      config: { permission: 'status.manage' },
      schema: {
        summary: 'Put a member of staff on the stakeholder list (or relabel them)',
        description:
          "They get an internal status summary on the policy's `communications.briefings.every` " +
          'cadence while an incident of a listed severity that they may see is active, on their ' +
          'own channels (notice kind `briefing`). A user id that is not an active member of ' +
          'staff is a 400 naming `userId`. Audited.',
        tags,
        params: StakeholderRef,
        body: PutStakeholder,
        response: { 200: Stakeholder },
      },
    },
    async (request) =>
      present(
        await status.putStakeholder(actorOf(request), request.params.userId, request.body.label),
      ),
  );

  typed.delete(
    '/api/v1/status/stakeholders/:userId',
    {
      config: { permission: 'status.manage' },
      schema: {
        summary: 'Take someone off the stakeholder list',
        tags,
        params: StakeholderRef,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await status.removeStakeholder(actorOf(request), request.params.userId);
      return reply.status(204).send(null);
    },
  );
}
