// A container on a fresh database with a fake clock, for tests that drive the incidents service
// directly with actors built here (fast and precise; HTTP tests use the auth helper instead).
import { ReportFields } from '../../src/shared/api/reports.ts';
import { FakeClock } from '../../src/server/clock.ts';
import { createContainer, type Container } from '../../src/server/container.ts';
import type { Actor } from '../../src/server/domain/actor.ts';
import type { OpenInput } from '../../src/server/domain/incidents/index.ts';
import type { PolicyInForce } from '../../src/server/domain/policy/index.ts';
import { createLogger } from '../../src/server/logger.ts';
import { PERMISSIONS, type Permission } from '../../src/shared/domain/permissions.ts';
import { EMERGENCY } from './reproduce.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

export interface IncidentsContext {
  container: Container;
  database: TestDatabase;
  clock: FakeClock;
  /** Responders that automatic owner assignment may choose from. */
  availableResponders: string[];
  close(): Promise<void>;
}

export async function createIncidentsContext(
  options: { policy?: PolicyInForce } = {},
): Promise<IncidentsContext> {
  const database = await createTestDatabase();
  const clock = new FakeClock('2026-03-02T09:00:00Z');
  const context = { availableResponders: [] as string[] };
  const container = await createContainer(database.config, {
    clock,
    logger: createLogger('silent'),
    ...(options.policy ? { policy: options.policy } : {}),
    findAvailableResponders: async () => context.availableResponders.map((id) => ({ id })),
    // The people these tests act as are the staff an incident's seats are weighed against.
    incidentStaff: {
      listActive: async () =>
        [...declared.values()].map((a) => ({
          id: a.userId ?? '',
          displayName: a.userId ?? '',
          permissions: a.permissions,
        })),
    },
  });
  return Object.assign(context, {
    container,
    database,
    clock,
    async close() {
      await container.close();
      await database.drop();
    },
  });
}

const incidentWork = PERMISSIONS.filter(
  (p) => p.startsWith('incidents.') && p !== 'incidents.close',
) as Permission[];

/** Every person a test file acts as (responder, admin): the staff of its incidents. */
const declared = new Map<string, Actor>();

function declare(actor: Actor): Actor {
  declared.set(actor.userId ?? '', actor);
  return actor;
}

/** A staff member with the permissions a responder has: every incident action but closing. */
export function responder(userId: string, extra: Permission[] = []): Actor {
  return declare({
    kind: 'user',
    userId,
    roles: ['responder'],
    permissions: new Set([...incidentWork, 'line.read', ...extra]),
  });
}

export function admin(userId: string): Actor {
  return declare({ kind: 'user', userId, roles: ['admin'], permissions: new Set(PERMISSIONS) });
}

/** What opening an incident needs, with plain defaults: only the title is required. */
export function incidentInput(overrides: Partial<OpenInput> & { title: string }): OpenInput {
  return {
    summary: '',
    source: 'report',
    affectedSystems: [],
    detectedAt: null,
    reportedAt: null,
    restricted: false,
    publiclyDisclosed: false,
    reportIds: [],
    ...overrides,
  };
}

/** Receives a report through the reports service, as the intake would; answers key and id. */
export async function receiveReport(
  t: Pick<IncidentsContext, 'container'>,
  summary = 'A security report',
): Promise<{ key: string; id: string }> {
  const receipt = await t.container.services.reports.submitReport(
    ReportFields.parse({ summary, description: 'What the reporter saw.' }),
    [],
    { ip: '127.0.0.1' },
  );
  const row = await t.container.db
    .selectFrom('reports')
    .select('id')
    .where('key', '=', receipt.key)
    .executeTakeFirstOrThrow();
  return { key: receipt.key, id: row.id };
}

/**
 * Declares an incident at a severity, through the security lead's emergency override (so nothing
 * is reproduced and the response clock runs), owned by `ownerId`: what the clock tests start from.
 */
export async function declareOwned(
  t: { container: Container },
  ownerId: string,
  title: string,
  severity: string,
  restricted = false,
) {
  const svc = t.container.services.incidents;
  const incident = await svc.openIncident(
    responder(ownerId),
    incidentInput({
      title,
      severity,
      severityRationale: 'as seen',
      severityOverride: EMERGENCY,
      restricted,
    }),
  );
  await svc.assignOwner(responder(ownerId), incident.id, undefined, ownerId);
  return incident;
}
