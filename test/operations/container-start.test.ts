// No container tool runs here, so the image's start-up is tested as the processes it runs: the
// final stage's ENV, ENTRYPOINT + CMD and HEALTHCHECK read from the Dockerfile, with the stopline
// service's environment from compose.yaml (secrets as .env.example asks for them) on PostgreSQL,
// against a fresh data folder standing for the volume. The healthcheck says unhealthy until the
// server is ready and after it stops; a restart on the same volume comes up again.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_KEYS, loadConfig } from '../../src/server/config.ts';
import { freePort } from '../helpers/cli-process.ts';
import { createTestDatabase, testDialect, type TestDatabase } from '../helpers/test-db.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface ImageSteps {
  env: Record<string, string>;
  user: string;
  command: string[];
  healthcheck: string[];
  buildRuns: string[];
}

/** The final stage of the Dockerfile as the steps a container runtime takes. */
function readDockerfile(): ImageSteps {
  const lines = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim() && !l.trim().startsWith('#'));
  const froms = lines.flatMap((l, i) => (l.startsWith('FROM ') ? [i] : []));
  const final = lines.slice(froms.at(-1));
  const build = lines.slice(0, froms.at(-1));
  const json = (line: string) => JSON.parse(line.slice(line.indexOf('['))) as string[];
  const env: Record<string, string> = {};
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  let healthcheck: string[] = [];
  let user = 'root';
  for (const line of final) {
    const [word, ...rest] = line.split(' ');
    const value = rest.join(' ');
    if (word === 'ENV') {
      const [key, ...v] = value.split('=');
      env[key!] = v.join('=');
    }
    if (word === 'USER') user = value;
    if (word === 'ENTRYPOINT') entrypoint = json(value);
    if (word === 'CMD') cmd = json(value);
    if (word === 'HEALTHCHECK') healthcheck = json(value.slice(value.indexOf('CMD ') + 4));
  }
  return {
    env,
    user,
    command: [...entrypoint, ...cmd],
    healthcheck,
    buildRuns: build.filter((l) => l.startsWith('RUN ')),
  };
}

/** compose.yaml's environment for the stopline service, with .env filled in as told. */
function composeEnvironment(dotenv: Record<string, string>): Record<string, string> {
  const compose = parseYaml(readFileSync(join(ROOT, 'compose.yaml'), 'utf8')) as {
    services: Record<string, Record<string, unknown>>;
  };
  const environment = compose.services.stopline!.environment as Record<string, string>;
  const interpolate = (text: string) =>
    text.replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_all, name: string, op, rest: string) => {
      if (dotenv[name]) return dotenv[name]!;
      if (op === '-') return rest;
      throw new Error(`compose would stop: ${name}: ${rest}`);
    });
  return Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, interpolate(v)]));
}

function readEnvExample(): Record<string, string> {
  return Object.fromEntries(
    readFileSync(join(ROOT, '.env.example'), 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

/** Runs the image's healthcheck command as the runtime would; its exit code and output. */
function healthcheck(steps: ImageSteps, env: Record<string, string>) {
  const [program, ...args] = steps.healthcheck;
  const result = spawnSync(program === 'node' ? process.execPath : program!, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 10_000,
  });
  return { code: result.status, output: result.stdout + result.stderr };
}

function startContainerProcess(steps: ImageSteps, env: Record<string, string>) {
  const [program, ...args] = steps.command;
  const child = spawn(program === 'node' ? process.execPath : program!, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, output: () => output, exited };
}

/** Polls the healthcheck as the runtime does during the start period; answers when healthy. */
async function waitHealthy(steps: ImageSteps, env: Record<string, string>, output: () => string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const check = healthcheck(steps, env);
    if (check.code === 0) return;
    if (Date.now() > deadline) throw new Error(`never healthy: ${check.output}\n${output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The healthcheck runs synchronously, so output may still be on its way to this process. */
async function waitForText(output: () => string, text: string) {
  const deadline = Date.now() + 10_000;
  while (!output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`no "${text}" in:\n${output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the container image, started as processes', () => {
  const steps = readDockerfile();
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    if (testDialect === 'postgres') database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  it('is built with the console and runs as an unprivileged user with a Node healthcheck', () => {
    expect(steps.user).not.toMatch(/^(root|0)$/);
    expect(steps.buildRuns.join('\n')).toContain('npm run build');
    expect(steps.buildRuns.join('\n')).toContain('npm prune --omit=dev');
    expect(steps.healthcheck).toEqual(['node', 'bin/healthcheck.mjs']);
    expect(steps.env.STOPLINE_DATA_DIR).toBe('/var/lib/stopline');
  });

  it("compose.yaml's environment, filled in from .env.example, is a valid configuration", () => {
    const compose = parseYaml(readFileSync(join(ROOT, 'compose.yaml'), 'utf8')) as {
      services: Record<string, Record<string, unknown>>;
      volumes: Record<string, unknown>;
    };
    expect(compose.services.db!.healthcheck).toBeDefined();
    expect(compose.services.stopline!.depends_on).toMatchObject({
      db: { condition: 'service_healthy' },
    });
    expect(Object.keys(compose.volumes)).toEqual(['postgres-data', 'stopline-data']);
    const example = readEnvExample();
    expect(Object.keys(example)).toEqual(
      expect.arrayContaining(['POSTGRES_PASSWORD', 'STOPLINE_SECRET_KEY']),
    );
    expect(readFileSync(join(ROOT, '.env.example'), 'utf8')).toContain('openssl rand -hex 32');
    // Unfilled, compose refuses to start rather than run without secrets.
    expect(() => composeEnvironment(example)).toThrow(/POSTGRES_PASSWORD/);
    const env = composeEnvironment({
      ...example,
      POSTGRES_PASSWORD: randomBytes(32).toString('hex'),
      STOPLINE_SECRET_KEY: randomBytes(32).toString('hex'),
    });
    const known = new Set<string>(Object.values(CONFIG_KEYS).map((k) => k.env));
    expect(Object.keys(env).filter((k) => !known.has(k))).toEqual([]);
    const config = loadConfig({ ...steps.env, ...env });
    expect(config.database).toBe('postgres');
    expect(config.smtpHost).toBe('mail');
  });

  it(`starts, turns healthy, stops on SIGTERM and starts again on the same volume (${testDialect})`, async () => {
    const volume = mkdtempSync(join(tmpdir(), 'stopline-volume-'));
    const port = String(await freePort());
    const secrets = { STOPLINE_SECRET_KEY: randomBytes(32).toString('hex') };
    // On PostgreSQL, the compose service's environment with the database this test made.
    const fromCompose =
      database === undefined
        ? {}
        : {
            ...composeEnvironment({
              ...readEnvExample(),
              POSTGRES_PASSWORD: 'unused',
              ...secrets,
            }),
            DATABASE_URL: database.env.DATABASE_URL!,
            STOPLINE_PG_SCHEMA: database.env.STOPLINE_PG_SCHEMA!,
            STOPLINE_SMTP_HOST: '127.0.0.1',
            STOPLINE_SMTP_PORT: String(await freePort()),
          };
    const env = {
      ...steps.env,
      ...secrets,
      ...fromCompose,
      STOPLINE_DATA_DIR: volume,
      PORT: port,
      STOPLINE_BASE_URL: `http://localhost:${port}`,
    };
    expect(healthcheck(steps, env)).toMatchObject({ code: 1 });

    const first = startContainerProcess(steps, env);
    try {
      await waitHealthy(steps, env, first.output);
      await waitForText(first.output, 'No admin account exists yet');
      expect(first.output()).toContain(`http://localhost:${port}/setup#token=`);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      first.child.kill('SIGTERM');
    }
    expect(await first.exited).toBe(0);
    const down = healthcheck(steps, env);
    expect(down.code).toBe(1);
    expect(down.output).toContain('unhealthy');

    const second = startContainerProcess(steps, env);
    try {
      await waitHealthy(steps, env, second.output);
    } finally {
      second.child.kill('SIGTERM');
    }
    expect(await second.exited).toBe(0);
  }, 120_000);

  it.runIf(spawnSync('systemd-analyze', ['--version']).status === 0)(
    'the systemd unit passes systemd-analyze verify and runs as a dynamic user with a state directory',
    () => {
      const unit = join(ROOT, 'deploy/stopline.service');
      const result = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const text = readFileSync(unit, 'utf8');
      for (const line of [
        'DynamicUser=yes',
        'StateDirectory=stopline',
        'Environment=NODE_ENV=production STOPLINE_DATA_DIR=/var/lib/stopline',
        'NoNewPrivileges=yes',
        'ProtectSystem=strict',
      ])
        expect(text).toContain(line);
    },
  );
});
