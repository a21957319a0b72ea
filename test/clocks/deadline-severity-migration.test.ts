// Migration 0008 gives deadlines that existed before it their incident's severity, so measures
// of earlier incidents keep their severity once the measures read it from the deadlines alone.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/server/db/migrate.ts';
import {
  createIncidentsContext,
  incidentInput,
  receiveReport,
  responder,
  type IncidentsContext,
} from '../helpers/incidents-context.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';

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
    // Back to the database as it was before the migration: no column, not applied.
    await sql`alter table deadlines drop column severity`.execute(db);
    await sql`alter table outbox drop column mentions_json`.execute(db);
    await sql`drop table notification_slack_members`.execute(db);
    await sql`delete from kysely_migration where name = '2026-11-25-0008-deadline-severity-and-slack'`.execute(
      db,
    );
    // The migrations after it are undone too: migrations apply in order.
    for (const column of ['emergency', 'emergency_set_by', 'emergency_set_at']) {
      await sql`alter table reports drop column ${sql.ref(column)}`.execute(db);
    }
    await sql`delete from kysely_migration where name = '2026-11-25-0009-report-emergency'`.execute(
      db,
    );
    for (const table of [
      // Those that refer to others first.
      'status_incident_updates',
      'status_incident_components',
      'status_incidents',
      'status_components',
      'breaches',
      'breach_determinations',
      'breach_submissions',
      'postmortem_follow_ups',
      'postmortem_sections',
      'postmortems',
    ]) {
      await sql`drop table ${sql.table(table)}`.execute(db);
    }
    for (const name of [
      '2026-12-03-0001-status-page',
      '2026-12-03-0002-breaches',
      '2026-12-03-0010-postmortems',
      '2026-12-03-0011-follow-ups',
    ]) {
      await sql`delete from kysely_migration where name = ${name}`.execute(db);
    }

    const { applied } = await migrateToLatest(db, dialect, config.pgSchema);
    expect(applied).toEqual([
      '2026-11-25-0008-deadline-severity-and-slack',
      '2026-11-25-0009-report-emergency',
      '2026-12-03-0001-status-page',
      '2026-12-03-0002-breaches',
      '2026-12-03-0010-postmortems',
      '2026-12-03-0011-follow-ups',
    ]);
    const rows = await db.selectFrom('deadlines').select(['subject_id', 'severity']).execute();
    const severities = (id: string) => [
      ...new Set(rows.filter((r) => r.subject_id === id).map((r) => r.severity)),
    ];
    expect(severities(p1.id)).toEqual(['P1']);
    expect(severities(unset.id)).toEqual([null]);
    expect(severities(report.id)).toEqual([null]);
  });
});
