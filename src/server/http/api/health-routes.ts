// Liveness and readiness for load balancers and orchestrators.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import { isReachable } from '../../db/database.ts';
import { pendingMigrations } from '../../db/migrate.ts';
import type { Db, Dialect } from '../../db/schema.ts';
import { measureWorkLag, type WorkLag } from '../../db/work-lag.ts';

/**
 * Readiness asks the database itself: does it answer, are its migrations current, and are the
 * scheduler and the outbox keeping up (`maxLagSeconds`, STOPLINE_READY_MAX_LAG_SECONDS).
 */
export interface HealthOptions {
  db: Db;
  dialect: Dialect;
  pgSchema: string;
  clock: Clock;
  maxLagSeconds: number;
}

const Lag = z.object({
  lagSeconds: z.number().describe('Seconds since the oldest due item should have been handled'),
  due: z.number().describe('Items due and not yet handled'),
  state: z.enum(['current', 'behind']),
});

const Readiness = z.object({
  status: z.enum(['ready', 'not ready']),
  database: z.enum(['reachable', 'unreachable']),
  migrations: z.enum(['current', 'pending', 'unknown']),
  pendingMigrations: z.array(z.string()).optional(),
  maxLagSeconds: z.number().optional(),
  scheduler: Lag.optional().describe('Deadline steps and page levels due and not fired'),
  outbox: Lag.extend({
    oldestUndeliveredSeconds: z
      .number()
      .describe('Age of the oldest message not delivered, waiting for a retry included'),
  })
    .optional()
    .describe('Messages whose attempt is due and not made'),
});

function judged<T extends { lagSeconds: number }>(lag: T, max: number) {
  return { ...lag, state: lag.lagSeconds > max ? ('behind' as const) : ('current' as const) };
}

export async function healthRoutes(app: FastifyInstance, opts: HealthOptions) {
  const { db, dialect, clock, maxLagSeconds } = opts;
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/healthz', { config: { public: true } }, async () => ({ status: 'ok' }));

  api.get(
    '/readyz',
    {
      config: { public: true },
      schema: {
        summary: 'Readiness: database, migrations, and the lag of the scheduler and the outbox',
        tags: ['health'],
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (_request, reply) => {
      const database = await isReachable(db);
      const pending = database
        ? await pendingMigrations(db, dialect, opts.pgSchema).catch(() => null)
        : null;
      const current = database && pending !== null && pending.length === 0;
      const lag: WorkLag | null = current
        ? await measureWorkLag(db, clock.now()).catch(() => null)
        : null;
      const scheduler = lag && judged(lag.scheduler, maxLagSeconds);
      const outbox = lag && judged(lag.outbox, maxLagSeconds);
      const ready = current && scheduler?.state === 'current' && outbox?.state === 'current';
      return reply.status(ready ? 200 : 503).send({
        status: ready ? 'ready' : 'not ready',
        database: database ? 'reachable' : 'unreachable',
        migrations: pending === null ? 'unknown' : pending.length === 0 ? 'current' : 'pending',
        ...(pending?.length ? { pendingMigrations: pending } : {}),
        ...(scheduler && outbox ? { maxLagSeconds, scheduler, outbox } : {}),
      });
    },
  );
}
