// /api/v1/staff: the active staff by name and role, for anyone who works on incidents, with the
// incident seats each can be picked for (owner, panel, security lead, a role).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { StaffDirectory } from '../../../shared/api/staff.ts';
import type { Clock } from '../../clock.ts';
import { permissionsForRoles, type AccountsModule } from '../../domain/accounts/index.ts';
import { seatsOf } from '../../domain/incidents/index.ts';
import { presentTime } from './time-presenter.ts';

/** GET /api/v1/staff's answer (also a part of GET /api/v1/dashboard). */
export async function staffDirectory(
  users: Pick<AccountsModule['users'], 'listActive'>,
  now: number,
): Promise<StaffDirectory> {
  const people = await users.listActive();
  return {
    items: people
      .map((u) => ({
        id: u.id,
        displayName: u.displayName,
        roles: u.roles,
        seats: seatsOf(permissionsForRoles(u.roles)),
        awayUntil:
          u.availability.awayUntil !== null && u.availability.awayUntil > now
            ? presentTime(u.availability.awayUntil)
            : null,
      }))
      .sort((a, b) => a.displayName.localeCompare(b.displayName)),
  };
}

export async function staffRoutes(
  app: FastifyInstance,
  opts: { accounts: Pick<AccountsModule, 'users'>; clock: Clock },
) {
  const { accounts, clock } = opts;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/staff',
    {
      config: { permission: 'incidents.read' },
      schema: {
        summary: 'Active staff by name and role (no contact details), to pick people for incidents',
        tags: ['users'],
        response: { 200: StaffDirectory },
      },
    },
    async () => staffDirectory(accounts.users, clock.now()),
  );
}
