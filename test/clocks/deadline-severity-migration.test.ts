// Migration 0008 gives deadlines that existed before it their incident's severity, so measures
// of earlier incidents keep their severity once the measures read it from the deadlines alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDownTo, migrateToLatest } from '../../src/server/db/migrate.ts';
import { MIGRATION_NAMES } from '../../src/server/db/migrations/index.ts';
import {
  createIncidentsContext,
  incidentInput,
  receiveReport,
  responder,
  type IncidentsContext,
} from '../helpers/incidents-context.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';

/** The last migration before the one under test. */
const BEFORE = '2026-11-25-0007-delivery';

let c: IncidentsContext;
beforeAll(async () => {
  c = await createIncidentsContext();
});
afterAll(() => c.close());

describe('migration 2026-11-25-0008', () => {
  it('copies each incident’s severity onto its existing deadlines; reports’ stay empty', async () => {
    const svc = c.container.services.incidents;
    const p1 = await svc.openIncident(
      responder('dev'),
      incidentInput({ title: 'A', severity: 'P1', severityOverride: EMERGENCY }),
    );
    const unset = await svc.openIncident(responder('dev'), incidentInput({ title: 'B' }));
    const report = await receiveReport(c);
    const { db, dialect, config } = c.container;
    // Back to the database as it was before the migration: it and every migration after it
    // (they apply in order) undone through their own `down`, newest first.
    const later = MIGRATION_NAMES.slice(MIGRATION_NAMES.indexOf(BEFORE) + 1);
    expect(later[0]).toBe('2026-11-25-0008-deadline-severity-and-slack');
    expect(await migrateDownTo(db, dialect, BEFORE, config.pgSchema)).toEqual([...later].reverse());

    const { applied } = await migrateToLatest(db, dialect, config.pgSchema);
    expect(applied).toEqual(later);
    const rows = await db.selectFrom('deadlines').select(['subject_id', 'severity']).execute();
    const severities = (id: string) => [
      ...new Set(rows.filter((r) => r.subject_id === id).map((r) => r.severity)),
    ];
    expect(severities(p1.id)).toEqual(['P1']);
    expect(severities(unset.id)).toEqual([null]);
    expect(severities(report.id)).toEqual([null]);
  });
});
