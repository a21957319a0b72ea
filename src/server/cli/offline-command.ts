// `stopline offline FILE`: the offline copy of the policy, its runbooks and the on-call contact
// tree (docs/operations.md#the-offline-copy) written to FILE (replaced when it exists, all at once),
// for an operator to keep where Stopline's own outage cannot reach it.
import { resolve } from 'node:path';
import type { Config } from '../config.ts';
import { createContainer } from '../container.ts';
import { systemActor } from '../domain/actor.ts';
import { writeOfflineCopy } from '../domain/continuity/index.ts';
import { createLogger } from '../logger.ts';
import type { Output } from './output.ts';

export const OFFLINE_USAGE = 'Usage: stopline offline FILE';

export async function offlineCommand(config: Config, args: string[], out: Output): Promise<number> {
  if (args.length !== 1 || args[0]!.startsWith('-')) {
    out.error(OFFLINE_USAGE);
    return 2;
  }
  const file = resolve(args[0]!);
  const container = await createContainer(config, { logger: createLogger('warn') });
  try {
    const copy = await container.services.continuity.offlineCopyAs(systemActor);
    writeOfflineCopy(file, copy);
    out.info(
      `offline copy written to ${file} (ETag ${copy.etag}); it holds staff contact details: keep it private`,
    );
    return 0;
  } finally {
    await container.close();
  }
}
