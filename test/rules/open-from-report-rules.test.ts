// What an incident opened from a security report starts with, and who may open it.
import { describe, expect, it } from 'vitest';
import { assertMayOpenFromReport } from '../../src/server/domain/incidents/access-rules.ts';
import { incidentFromReport } from '../../src/server/domain/incidents/incident-rules.ts';
import type { Actor } from '../../src/server/domain/actor.ts';
import type { Permission } from '../../src/shared/domain/permissions.ts';

const report = {
  reportId: 'r-1',
  key: 'RPT-0042',
  summary: 'Stored XSS in the invoice notes field',
  receivedAt: 1_772_441_200_000,
  postedPublicly: false,
};
const staff = (permissions: Permission[]): Actor => ({
  kind: 'user',
  userId: 'u-1',
  roles: ['responder'],
  permissions: new Set(permissions),
});

describe('an incident opened from a report', () => {
  it("takes the report's summary as its title, names the report and counts from its receipt", () => {
    expect(incidentFromReport(report)).toEqual({
      title: 'Stored XSS in the invoice notes field',
      summary: 'Opened from security report RPT-0042.',
      source: 'report',
      affectedSystems: [],
      detectedAt: null,
      reportedAt: report.receivedAt,
      restricted: false,
      publiclyDisclosed: false,
      reportIds: ['r-1'],
    });
  });

  it('keeps the first 200 characters of a long summary as the title', () => {
    const long = 'x'.repeat(250);
    expect(incidentFromReport({ ...report, summary: long }).title).toBe('x'.repeat(200));
  });

  it('starts as publicly disclosed when the issue was posted in public', () => {
    expect(incidentFromReport({ ...report, postedPublicly: true }).publiclyDisclosed).toBe(true);
  });

  it('may be opened only with incidents.create', () => {
    expect(() => assertMayOpenFromReport(staff(['reports.triage']))).toThrow(
      expect.objectContaining({
        code: 'FORBIDDEN',
        message: 'Opening an incident needs the incidents.create permission',
      }),
    );
    expect(() =>
      assertMayOpenFromReport(staff(['reports.triage', 'incidents.create'])),
    ).not.toThrow();
  });
});
