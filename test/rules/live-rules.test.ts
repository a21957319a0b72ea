// Which notice each change makes, and who hears it: read like the rules of the console.
import { describe, expect, it } from 'vitest';
import { permissionsForRoles } from '../../src/server/domain/accounts/index.ts';
import type { Actor } from '../../src/server/domain/actor.ts';
import type { LoggedEvent } from '../../src/server/db/live-notices.ts';
import { mayHear, noticeFor } from '../../src/server/domain/live/live-rules.ts';
import type { Permission } from '../../src/shared/domain/permissions.ts';

const AT = Date.parse('2026-03-02T09:00:00Z');

const incidents = new Map([
  ['inc-open', { id: 'inc-open', key: 'INC-2026-0001', restricted: false, participants: [] }],
  [
    'inc-secret',
    { id: 'inc-secret', key: 'INC-2026-0002', restricted: true, participants: ['member'] },
  ],
]);
const reports = new Map([['rpt-1', 'RPT-0042']]);
const refs = { incidents, reports };

function event(over: Partial<LoggedEvent>): LoggedEvent {
  return {
    position: 7,
    streamId: 'inc-open',
    streamType: 'incident',
    type: 'incident.note_added',
    at: AT,
    data: {},
    ...over,
  };
}

function person(userId: string, roles: string[], permissions?: Permission[]): Actor {
  return {
    kind: permissions ? 'token' : 'user',
    userId,
    roles,
    permissions: new Set(permissions ?? permissionsForRoles(roles)),
  };
}

const responder = person('someone', ['responder']);
const member = person('member', ['responder']);
const admin = person('root', ['admin']);
const pipeline = person('ci', ['viewer'], ['stream.read', 'line.read']);

describe('the notice a change makes', () => {
  it('any change on an incident is an incident notice named by the incident key', () => {
    expect(noticeFor(event({}), refs)).toEqual({
      position: 7,
      notice: {
        subject: 'incident',
        key: 'INC-2026-0001',
        incident: 'INC-2026-0001',
        type: 'incident.note_added',
        at: '2026-03-02T09:00:00.000Z',
      },
      audience: {
        permissions: ['incidents.read'],
        incident: { restricted: false, participants: [] },
      },
    });
  });

  it('a task change names the task; a deadline change names the deadline; both name the incident', () => {
    const task = noticeFor(event({ type: 'incident.task_updated', data: { taskId: 't-1' } }), refs);
    expect(task?.notice).toMatchObject({ subject: 'task', key: 't-1', incident: 'INC-2026-0001' });
    const deadline = noticeFor(
      event({ type: 'incident.deadline_escalated', data: { deadlineId: 'd-1', kind: 'response' } }),
      refs,
    );
    expect(deadline?.notice).toMatchObject({ subject: 'deadline', key: 'd-1' });
    expect(deadline?.audience.permissions).toEqual(['deadlines.read']);
  });

  it('the line stopping or resuming is a line notice, for everyone who reads the line', () => {
    const stopped = noticeFor(
      event({ streamId: 'inc-secret', type: 'incident.line_stopped', data: { reason: 'P0' } }),
      refs,
    )!;
    expect(stopped.notice).toMatchObject({ subject: 'line', key: 'INC-2026-0002' });
    // GET /api/v1/line names restricted incidents by key too, so the notice may.
    expect(mayHear(pipeline, stopped.audience)).toBe(true);
    expect(mayHear(responder, stopped.audience)).toBe(true);
  });

  it('changes on a report are report notices; its deadlines need reports.read as well', () => {
    const received = noticeFor(
      event({ streamId: 'rpt-1', streamType: 'report', type: 'report.received' }),
      refs,
    )!;
    expect(received.notice).toMatchObject({
      subject: 'report',
      key: 'RPT-0042',
      report: 'RPT-0042',
    });
    const breached = noticeFor(
      event({
        streamId: 'rpt-1',
        streamType: 'report',
        type: 'report.deadline_breached',
        data: { deadlineId: 'd-9' },
      }),
      refs,
    )!;
    expect(breached.notice).toMatchObject({ subject: 'deadline', key: 'd-9', report: 'RPT-0042' });
    expect(breached.audience.permissions).toEqual(['deadlines.read', 'reports.read']);
  });

  it('records the console does not show make no notice', () => {
    expect(noticeFor(event({ streamType: 'import', streamId: 'x' }), refs)).toBeNull();
    expect(noticeFor(event({ streamId: 'gone' }), refs)).toBeNull();
  });
});

describe('who hears it', () => {
  const secret = noticeFor(event({ streamId: 'inc-secret' }), refs)!;
  const open = noticeFor(event({}), refs)!;

  it('a restricted incident is heard by its participants and admins only', () => {
    expect(mayHear(member, secret.audience)).toBe(true);
    expect(mayHear(admin, secret.audience)).toBe(true);
    expect(mayHear(responder, secret.audience)).toBe(false);
    expect(mayHear(responder, open.audience)).toBe(true);
  });

  it('a report linked to a restricted incident is heard by those who may see the incident only', () => {
    const linked = { ...refs, reportIncidents: new Map([['rpt-1', incidents.get('inc-secret')!]]) };
    for (const type of ['report.note_added', 'report.deadline_breached']) {
      const notice = noticeFor(
        event({ streamId: 'rpt-1', streamType: 'report', type, data: { deadlineId: 'd-9' } }),
        linked,
      )!;
      expect(mayHear(member, notice.audience)).toBe(true);
      expect(mayHear(admin, notice.audience)).toBe(true);
      expect(mayHear(responder, notice.audience)).toBe(false);
    }
  });

  it('a token hears only what its scope reads', () => {
    expect(mayHear(pipeline, open.audience)).toBe(false);
    const report = noticeFor(
      event({ streamId: 'rpt-1', streamType: 'report', type: 'report.status_changed' }),
      refs,
    )!;
    expect(
      mayHear(person('v', ['viewer'], ['stream.read', 'incidents.read']), report.audience),
    ).toBe(false);
    expect(mayHear(person('v', ['viewer']), report.audience)).toBe(true);
  });
});
