// The incidents' reads that need nothing but the database: the line, and incidents' keys. The
// incidents module offers them to routes and subjects; `stopline gate` and `stopline deadlines`
// build this reader alone on the database they open (the CLI runs as the system actor).
import type { Db, Executor } from '../../db/schema.ts';
import { type Actor, requirePermission } from '../actor.ts';
import {
  findExerciseAudience,
  findIncidentAudiences,
  listExerciseIds,
} from './incident-repository.ts';
import { listLineHistory, listStoppingIncidents } from './line-repository.ts';

/** The line: running or stopped, since when, and by which incidents (times in epoch ms). */
export interface LineView {
  state: 'running' | 'stopped';
  since: number | null;
  incidents: Awaited<ReturnType<typeof listStoppingIncidents>>;
}

async function readLine(executor: Executor): Promise<LineView> {
  const incidents = await listStoppingIncidents(executor);
  return {
    state: incidents.length > 0 ? 'stopped' : 'running',
    since: incidents[0]?.stoppedAt ?? null,
    incidents,
  };
}

export function createIncidentsReader({ db }: { db: Db }) {
  return {
    /** Whether development may ship: stopped while any critical incident holds the line. */
    getLine: () => readLine(db),

    /**
     * The line for a caller outside the API (whose route declares line.read): `stopline gate` as
     * the system actor. Anyone else needs the line.read permission.
     */
    async readLineAs(actor: Actor): Promise<LineView> {
      requirePermission(actor, 'line.read');
      return readLine(db);
    },

    lineHistory: (limit: number) => listLineHistory(db, limit),

    /** Whether an incident (id or key) is an exercise, with its participants; null: it is not. */
    findExercise: (executor: Executor, ref: string) => findExerciseAudience(executor, ref),

    /** The incidents declared as exercises, by id. */
    listExerciseIds: (executor: Executor = db) => listExerciseIds(executor),

    /** The keys (INC-2026-0007) of these incidents, by id, for links. */
    async findKeys(ids: readonly string[], executor: Executor = db) {
      const audiences = await findIncidentAudiences(executor, ids);
      return new Map([...audiences].map(([id, audience]) => [id, audience.key]));
    },
  };
}

export type IncidentsReader = ReturnType<typeof createIncidentsReader>;
