// Liveness and readiness for load balancers and orchestrators.
import type { FastifyInstance } from 'fastify';
import { isReachable } from '../../db/database.ts';
import { pendingMigrations } from '../../db/migrate.ts';
import type { Db, Dialect } from '../../db/schema.ts';

/** Readiness asks the database itself: does it answer, are its migrations current. */
export interface HealthOptions {
  db: Db;
  dialect: Dialect;
  pgSchema: string;
}

export async function healthRoutes(app: FastifyInstance, opts: HealthOptions) {
  const { db, dialect } = opts;
  app.get('/healthz', { config: { public: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { public: true } }, async (_request, reply) => {
    const database = await isReachable(db);
    const pending = database
      ? await pendingMigrations(db, dialect, opts.pgSchema).catch(() => null)
      : null;
    const ready = database && pending !== null && pending.length === 0;
    return reply.status(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not ready',
      database: database ? 'reachable' : 'unreachable',
      migrations: pending === null ? 'unknown' : pending.length === 0 ? 'current' : 'pending',
      ...(pending?.length ? { pendingMigrations: pending } : {}),
    });
  });
}
