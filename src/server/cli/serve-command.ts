// `stopline serve`: start the HTTP server; on SIGTERM/SIGINT stop accepting, close idle
// connections, let in-flight requests finish within the grace period (STOPLINE_SHUTDOWN_GRACE_SECONDS)
// and close the connections still open after it, let the workers (workers/index.ts) finish their
// round, then close the database.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { createContainer, type Container } from '../container.ts';
import { lockSqliteInstance } from '../db/sqlite-instance-lock.ts';
import { buildApp } from '../http/app.ts';
import type { Logger } from '../logger.ts';
import { consoleOutput, type Output } from './output.ts';

export async function serveCommand(config: Config, out: Output = consoleOutput): Promise<number> {
  // SQLite serves one instance: a second process on the same file stops here, before it migrates.
  const lock = config.database === 'sqlite' ? lockSqliteInstance(config.sqlitePath) : null;
  try {
    return await serve(config, out);
  } finally {
    lock?.release();
  }
}

async function serve(config: Config, out: Output): Promise<number> {
  const container = await createContainer(config);
  const app = await buildApp(container);
  // Before listening, so the link is on the console by the time /healthz answers and the
  // shutdown handlers below are in place as soon as possible after that.
  await printSetupLink(container, out, config);
  await app.listen({ port: config.port, host: config.host });
  await container.workers.listen();
  container.workers.start();
  container.logger.info(
    { baseUrl: config.baseUrl, database: container.dialect },
    'stopline is running',
  );

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      const grace = config.shutdownGraceSeconds;
      container.logger.info(
        { signal, graceSeconds: grace },
        'shutting down: finishing in-flight requests',
      );
      // The workers and the database get 20 s more after the grace period.
      const force = setTimeout(
        () => {
          container.logger.error(`shutdown took longer than ${grace + 20} s; exiting`);
          resolve(1);
        },
        (grace + 20) * 1000,
      );
      force.unref();
      closeServer(app, grace, container.logger)
        .then(() => container.workers.stop())
        .then(() => container.close())
        .then(() => {
          clearTimeout(force);
          container.logger.info('stopped');
          resolve(0);
        })
        .catch((error: unknown) => {
          container.logger.error({ err: error }, 'error during shutdown');
          resolve(1);
        });
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

/**
 * Stops accepting connections and closes idle ones at once, and those that fall idle while the
 * server closes; connections still busy after the grace period (a client trickling a body, a
 * response that does not end) are closed then, so slow clients cannot hold the shutdown.
 */
async function closeServer(
  app: FastifyInstance,
  graceSeconds: number,
  logger: Logger,
): Promise<void> {
  const server = app.server;
  const idle = setInterval(() => server.closeIdleConnections(), 250);
  const grace = setTimeout(() => {
    logger.warn({ graceSeconds }, 'shutdown grace period over: closing the connections still open');
    server.closeAllConnections();
  }, graceSeconds * 1000);
  try {
    await app.close();
  } finally {
    clearInterval(idle);
    clearTimeout(grace);
  }
}

/** First run: with no admin, print a one-time setup link (only its hash is stored, so it is
 * shown this once; a restart prints a new one and retires the old). */
async function printSetupLink(container: Container, out: Output, config: Config): Promise<void> {
  const link = await container.services.accounts.users.issueSetupLinkIfNoAdmin();
  if (!link) return;
  out.info(
    [
      '',
      'No admin account exists yet. Open this one-time link to create the first admin',
      `(valid until ${new Date(link.expiresAt).toISOString()}):`,
      '',
      `  ${link.url}`,
      '',
      `(Links start with ${config.baseUrl}, from ${config.baseUrlSource}.)`,
      '',
      'Or run: stopline user add --email you@example.org --name "Your Name" --role admin',
      '',
    ].join('\n'),
  );
}
