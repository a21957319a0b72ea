// `stopline policy check|show`, and `stopline serve` with a custom or a broken STOPLINE_POLICY,
// run as real processes the way an operator runs them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServer } from './helpers/cli-process.ts';
import { SEV_EXAMPLE, writeEditedPolicy, writeEditedPolicyFragment } from './helpers/policies.ts';
import { createTestDatabase, type TestDatabase } from './helpers/test-db.ts';

const ROOT = new URL('..', import.meta.url).pathname;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ STOPLINE_LOG_LEVEL: 'info' });
});
afterAll(async () => database.drop());

describe('stopline policy check FILE', () => {
  it('a valid file exits 0 with a one-paragraph summary', async () => {
    const run = await runCli(['policy', 'check', 'policies/examples/sev-1-to-4.yaml'], {}, ROOT);
    expect(run.code).toBe(0);
    const [first, summary, ...rest] = run.stdout.trim().split('\n');
    expect(first).toMatch(
      /^policies\/examples\/sev-1-to-4\.yaml: valid policy, hash [0-9a-f]{64}$/,
    );
    expect(rest).toEqual([]);
    expect(summary).toContain(
      '4 severities: SEV1 Customer-facing breach (critical, respond within 10m)',
    );
    expect(summary).toContain('3 criticality questions');
    expect(summary).toContain('a panel of 3');
    expect(summary).toContain('4 roles: incident_lead (required for SEV1, SEV2)');
    expect(summary).toContain('5 phases: triage → mitigate → resolve → review → closed');
  });

  it('a file with mistakes exits 1 printing each as FILE:LINE: field: message', async () => {
    const file = writeEditedPolicy(
      '  quorum: 4\n  onTie: security_lead_decides\n',
      '  quorum: 4\n  onTie: coin_flip\n  chair: Alice\n',
    );
    const run = await runCli(['policy', 'check', file], {});
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^${file}:\\d+: panel\\.onTie: must be one of `)),
      expect.stringMatching(new RegExp(`^${file}:\\d+: panel\\.chair: unknown field "chair"`)),
      `${file}: not a valid policy (2 problems)`,
    ]);
  });

  it('checks the example breach fragments (NIS2, SEC 8-K, HIPAA) on their own', async () => {
    for (const [name, regime] of [
      ['breach-nis2.yaml', 'nis2 on significant (early_warning 24 hours after became_aware'],
      [
        'breach-sec-8k.yaml',
        'sec_8k on material (form_8k 4 business days (us_federal) after material)',
      ],
      [
        'breach-hipaa.yaml',
        'hhs 60 calendar days after became_aware, when people at least 500, hhs_log 60 days ' +
          'after the year end of the year of became_aware, when people below 500 and media 60 ' +
          'calendar days after became_aware, when residents of one place more than 500',
      ],
    ] as const) {
      const run = await runCli(['policy', 'check', `policies/examples/${name}`], {}, ROOT);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        `policies/examples/${name}: valid policy fragment (breach section)`,
      );
      expect(run.stdout).toContain(regime);
    }
  });

  it('a fragment with mistakes exits 1 naming the line and field', async () => {
    const file = writeEditedPolicyFragment(
      'breach:\n  regimes:\n    - id: sec\n      name: SEC\n      description: d\n      trigger: material\n      stages:\n        - id: s\n          name: S\n          description: d\n          from: material\n          offset: 4\n          calendar: business_days\n          recipient: SEC\n          content: [x]\n',
    );
    const run = await runCli(['policy', 'check', file], {});
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      `${file}:8: breach.regimes[0].stages[0].holidayCalendar: business_days needs a holidayCalendar (one of calendars)`,
      `${file}: not a valid policy fragment (1 problem)`,
    ]);
  });

  it('a file that does not exist exits 1 saying so', async () => {
    const run = await runCli(['policy', 'check', 'no-such-policy.yaml'], {}, ROOT);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no-such-policy.yaml: cannot read the file (ENOENT)');
  });

  it('without a file it prints the usage and exits 2', async () => {
    const run = await runCli(['policy', 'check'], {}, ROOT);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('stopline policy check FILE');
  });
});

describe('stopline policy show', () => {
  it('summarises the policy named by STOPLINE_POLICY', async () => {
    const run = await runCli(['policy', 'show'], { STOPLINE_POLICY: SEV_EXAMPLE });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Policy in force: ${SEV_EXAMPLE}, hash `);
    expect(run.stdout).toContain('Example SaaS team — SEV1 to SEV4 (revision 2026-10-v3)');
  });

  it('summarises the bundled default when STOPLINE_POLICY is unset', async () => {
    const run = await runCli(['policy', 'show'], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Stopline default policy (revision 2026-11-25)');
  });
});

describe('stopline serve with STOPLINE_POLICY', () => {
  it('starts with a custom policy (SEV1–SEV4) and says which policy is in force', async () => {
    const server = await startServer({ ...database.env, STOPLINE_POLICY: SEV_EXAMPLE });
    try {
      const health = await fetch(`http://127.0.0.1:${server.port}/healthz`);
      expect(health.status).toBe(200);
      expect(server.output()).toContain('"msg":"policy in force"');
      expect(server.output()).toContain('"revision":"2026-10-v3"');
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('refuses to start with a broken policy, printing each problem, and exits non-zero', async () => {
    const file = writeEditedPolicy('    responseWithin: 15m\n', '    responseWitin: 15m\n');
    const run = await runCli(['serve'], { ...database.env, STOPLINE_POLICY: file });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`policy file ${file} is not valid`);
    expect(run.stderr).toMatch(
      new RegExp(
        `${file}:\\d+: severities\\[0\\]\\.responseWitin: unknown field "responseWitin"; did you mean "responseWithin"\\?`,
      ),
    );
  });
});
