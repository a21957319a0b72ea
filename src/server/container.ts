// Composition root: builds the database, clock and services from the configuration. Tests pass
// overrides (a fake clock) instead of branching inside src/.
import type { Config } from './config.ts';
import { systemClock, type Clock } from './clock.ts';
import { createDatabase, type DatabaseHandle } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import type { Db, Dialect } from './db/schema.ts';
import { createLogger, type Logger } from './logger.ts';
import { loadPolicyFile, type PolicyInForce } from './domain/policy/index.ts';
import {
  createAttachmentStore,
  createReportsService,
  type ReportsService,
} from './domain/reports/index.ts';

export interface Container {
  config: Config;
  db: Db;
  dialect: Dialect;
  clock: Clock;
  logger: Logger;
  /** The policy in force (STOPLINE_POLICY, default policies/default.yaml). */
  policy: PolicyInForce;
  /** Private intake of security reports: form, API, portal, staff triage. */
  reports: ReportsService;
  close(): Promise<void>;
}

export interface ContainerOverrides {
  clock?: Clock;
  logger?: Logger;
  /** Apply pending migrations while starting (default true). */
  migrate?: boolean;
  /** A policy other than the configured file (tests of custom policies). */
  policy?: PolicyInForce;
}

export async function createContainer(
  config: Config,
  overrides: ContainerOverrides = {},
): Promise<Container> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const policy = overrides.policy ?? loadPolicyFile(config.policyFile);
  const handle: DatabaseHandle = await createDatabase(config);
  try {
    if (overrides.migrate ?? true) {
      const { applied } = await migrateToLatest(handle.db, handle.dialect, config.pgSchema);
      if (applied.length > 0) logger.info({ applied }, 'database migrations applied');
    }
  } catch (error) {
    await handle.close();
    throw error;
  }
  let closed = false;
  const clock = overrides.clock ?? systemClock;
  const reports = createReportsService({
    db: handle.db,
    clock,
    policy: () => policy.policy,
    attachments: createAttachmentStore(config.dataDir),
    settings: {
      baseUrl: config.baseUrl,
      attachmentMaxBytes: config.attachmentMaxBytes,
      attachmentMaxCount: config.attachmentMaxCount,
      intakeRateLimit: config.intakeRateLimit,
    },
  });
  return {
    config,
    db: handle.db,
    dialect: handle.dialect,
    clock,
    logger,
    policy,
    reports,
    async close() {
      if (closed) return;
      closed = true;
      await handle.close();
    },
  };
}
