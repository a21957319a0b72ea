// `stopline gate` as a pipeline runs it: a real process, judged by its exit code.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor, type Actor } from '../../src/server/domain/actor.ts';
import { createIncidentsReader } from '../../src/server/domain/incidents/index.ts';
import { runCli } from '../helpers/cli-process.ts';
import {
  createIncidentsContext,
  responder,
  incidentInput,
  type IncidentsContext,
} from '../helpers/incidents-context.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';

let t: IncidentsContext;
beforeAll(async () => {
  t = await createIncidentsContext();
});
afterAll(async () => {
  await t.close();
});

const lead = responder('lead');
async function openCritical(title: string) {
  const s = t.container.services.incidents;
  const incident = await s.openIncident(
    lead,
    incidentInput({
      title,
      source: 'monitoring',
      severity: 'P0',
      severityRationale: 'Customer data is being downloaded',
      // Declared from monitoring before anyone reproduced it: the security lead's emergency.
      severityOverride: EMERGENCY,
    }),
  );
  expect(incident.lineStopped).toBe(true);
  return incident;
}

describe('stopline gate (database)', () => {
  it('exits 0 while the line runs', async () => {
    const result = await runCli(['gate'], t.database.env);
    expect(result.stdout).toMatch(/line is running/);
    expect(result.code).toBe(0);
  });

  it('exits 1 naming the stopping incidents; --allow-ref that names them all exits 0', async () => {
    const first = await openCritical('Data export open to everyone');
    const second = await openCritical('Admin panel without MFA');
    const stopped = await runCli(['gate'], t.database.env);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain(
      `line is STOPPED by 2 incident(s): ${first.key} ${second.key}`,
    );
    expect(stopped.stderr).toContain(
      `${first.key} P0 Data export open to everyone (since ${new Date(first.lineStoppedAt!).toISOString()})`,
    );

    const onlyOne = await runCli(
      ['gate', '--allow-ref', `fix ${first.key}: check owner`],
      t.database.env,
    );
    expect(onlyOne.code).toBe(1);
    expect(onlyOne.stderr).toContain(`STOPPED by 1 incident(s): ${second.key}`);

    const both = await runCli(
      ['gate', '--allow-ref', `hotfix/${first.key.toLowerCase()}-and-${second.key}`],
      t.database.env,
    );
    expect(both.stdout).toMatch(/the fix may ship/);
    expect(both.code).toBe(0);
  });

  it('an unknown option exits 2 with the usage', async () => {
    const result = await runCli(['gate', '--force'], t.database.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Usage: stopline gate/);
  });

  it('reads the line through the incidents use case: the system may, a caller without line.read may not', async () => {
    const reader = createIncidentsReader({ db: t.container.db });
    const asSystem = await reader.readLineAs(systemActor);
    expect(asSystem).toEqual(await t.container.services.incidents.getLine());
    const reporterDesk: Actor = {
      kind: 'token',
      userId: 'someone',
      roles: ['responder'],
      permissions: new Set(['reports.read']),
    };
    await expect(reader.readLineAs(reporterDesk)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(reader.readLineAs(lead)).resolves.toEqual(asSystem);
  });
});

describe('stopline gate --url (remote)', () => {
  let server: Server;
  let base = '';
  let answer: { status: number; body: unknown } = { status: 200, body: {} };
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  // What GET /api/v1/line answers while one incident stops the line (times in RFC 3339).
  const stoppedLine = {
    state: 'stopped',
    since: '2026-11-25T10:00:00.000Z',
    incidents: [
      {
        key: 'INC-2026-0009',
        title: 'Leak',
        severity: 'P0',
        stoppedAt: '2026-11-25T10:00:00.000Z',
      },
    ],
  };

  it('asks GET /api/v1/line with the bearer token and follows the answer', async () => {
    answer = { status: 200, body: { state: 'running', since: null, incidents: [] } };
    const running = await runCli(['gate', '--url', base, '--token', 'sl_token'], {});
    expect(running.code).toBe(0);
    expect(seen).toEqual(['GET /api/v1/line Bearer sl_token']);

    answer = { status: 200, body: stoppedLine };
    const stopped = await runCli(['gate', '--url', base], { STOPLINE_GATE_TOKEN: 'sl_token' });
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain('INC-2026-0009 P0 Leak (since 2026-11-25T10:00:00.000Z)');
    const fix = await runCli(
      ['gate', '--url', base, '--token', 't', '--allow-ref', 'Fix INC-2026-0009'],
      {},
    );
    expect(fix.code).toBe(0);
  });

  it('fails closed (exit 2) when the server refuses or cannot be reached', async () => {
    answer = { status: 401, body: { title: 'Sign-in required' } };
    const refused = await runCli(['gate', '--url', base, '--token', 'wrong'], {});
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/401/);
    const noToken = await runCli(['gate', '--url', base], {});
    expect(noToken.code).toBe(2);
    // An answer it does not understand (here, times in epoch milliseconds) is not a pass.
    answer = {
      status: 200,
      body: {
        ...stoppedLine,
        since: 1_795_600_800_000,
        incidents: [{ ...stoppedLine.incidents[0], stoppedAt: 1_795_600_800_000 }],
      },
    };
    const garbled = await runCli(['gate', '--url', base, '--token', 't'], {});
    expect(garbled.code).toBe(2);
    expect(garbled.stderr).toMatch(/did not answer with a line state/);
  });
});
