// The policy history: each start-up records the policy in force, so every incident's policy_hash
// leads back to the exact text it was handled under.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock, HOUR } from '../src/server/clock.ts';
import { createContainer, type Container } from '../src/server/container.ts';
import { createPolicyService, loadPolicyFile } from '../src/server/domain/policy/index.ts';
import { AppError } from '../src/server/errors.ts';
import { createLogger } from '../src/server/logger.ts';
import { BUNDLED_POLICY, SEV_EXAMPLE } from './helpers/policies.ts';
import { createTestDatabase, testDialect, type TestDatabase } from './helpers/test-db.ts';

const defaultPolicy = loadPolicyFile(BUNDLED_POLICY);
const sevPolicy = loadPolicyFile(SEV_EXAMPLE);

let database: TestDatabase;
const clock = new FakeClock('2026-03-02T09:00:00Z');
const start = clock.now();

const startInstance = (policy = defaultPolicy, db = database): Promise<Container> =>
  createContainer(db.config, { clock, policy, logger: createLogger('silent') });

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database.drop());

describe('the policy history', () => {
  it('the first start-up records the policy in force', async () => {
    const c = await startInstance();
    try {
      expect(await c.services.policy.listVersions()).toEqual([
        {
          hash: defaultPolicy.hash,
          name: 'Stopline default policy',
          revision: '2026-11-25',
          loadedAt: start,
          lastLoadedAt: start,
          inForce: true,
        },
      ]);
    } finally {
      await c.close();
    }
  });

  it('a restart with the same policy keeps one version and notes when it was last loaded', async () => {
    clock.advance(HOUR);
    const c = await startInstance();
    try {
      const versions = await c.services.policy.listVersions();
      expect(versions).toHaveLength(1);
      expect(versions[0]).toMatchObject({ loadedAt: start, lastLoadedAt: start + HOUR });
    } finally {
      await c.close();
    }
  });

  it('a start-up with another policy adds a version; the newest in force is listed first', async () => {
    clock.advance(HOUR);
    const c = await startInstance(sevPolicy);
    try {
      const versions = await c.services.policy.listVersions();
      expect(versions.map((v) => [v.revision, v.inForce])).toEqual([
        ['2026-10-v3', true],
        ['2026-11-25', false],
      ]);
      expect(c.services.policy.getInForce().policy.severities[0]!.id).toBe('SEV1');
    } finally {
      await c.close();
    }
  });

  it('a version is read back with its exact text, which hashes to its id', async () => {
    const c = await startInstance(sevPolicy);
    try {
      const version = await c.services.policy.getVersion(defaultPolicy.hash);
      expect(version).toMatchObject({ hash: defaultPolicy.hash, inForce: false });
      expect(version.text).toBe(defaultPolicy.text);
      expect(loadPolicyFile(BUNDLED_POLICY).hash).toBe(version.hash);
    } finally {
      await c.close();
    }
  });

  it('a hash that was never in force is NOT_FOUND', async () => {
    const c = await startInstance();
    try {
      await expect(c.services.policy.getVersion('0'.repeat(64))).rejects.toSatisfy(
        (e: unknown) => e instanceof AppError && e.code === 'NOT_FOUND',
      );
    } finally {
      await c.close();
    }
  });

  it('recording is idempotent and never moves last_loaded_at back', async () => {
    const c = await startInstance();
    try {
      const earlier = createPolicyService({
        db: c.db,
        clock: new FakeClock(start - HOUR),
        policy: defaultPolicy,
      });
      const before = await c.services.policy.getVersion(defaultPolicy.hash);
      const after = await earlier.recordInForce();
      expect(after.lastLoadedAt).toBe(before.lastLoadedAt);
      expect(after.loadedAt).toBe(start);
    } finally {
      await c.close();
    }
  });

  it('instances starting together with the same new policy record it once, without errors', async () => {
    const fresh = await createTestDatabase();
    try {
      // On SQLite one process owns the file; on PostgreSQL the instances really race.
      const count = testDialect === 'postgres' ? 3 : 1;
      const instances = await Promise.all(
        Array.from({ length: count }, () => startInstance(sevPolicy, fresh)),
      );
      const versions = await instances[0]!.services.policy.listVersions();
      expect(versions.map((v) => v.hash)).toEqual([sevPolicy.hash]);
      await Promise.all(instances.map((c) => c.close()));
    } finally {
      await fresh.drop();
    }
  });
});
