// `stopline user add --email E --name N --role R [--role R2]`: create a staff account from the
// console and print the one-time link its owner uses to set a password. Audited as the system.
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { createContainer } from '../container.ts';
import { systemActor } from '../domain/actor.ts';
import { ROLES } from '../domain/accounts/index.ts';
import { createLogger } from '../logger.ts';
import { refusal, type Output } from './output.ts';

export const USER_USAGE = `Usage: stopline user add --email EMAIL --name "DISPLAY NAME" --role ROLE [--role ROLE ...]

Roles: ${ROLES.join(', ')}`;

export async function userCommand(config: Config, args: string[], out: Output): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'add') {
    out.error(USER_USAGE);
    return 2;
  }
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        email: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string', multiple: true },
      },
      strict: true,
    }));
  } catch (error) {
    out.error(`stopline user add: ${(error as Error).message}\n\n${USER_USAGE}`);
    return 2;
  }
  if (!values.email || !values.name || !values.role?.length) {
    out.error(USER_USAGE);
    return 2;
  }
  const container = await createContainer(config, { logger: createLogger('warn') });
  try {
    const { user, link } = await container.services.accounts.users.createUser(systemActor, {
      email: values.email,
      displayName: values.name,
      roles: values.role,
    });
    out.info(`Created ${user.email} (${user.roles.join(', ')}), id ${user.id}.`);
    out.info(
      `Send this one-time link to its owner to set a password; it works once, until ${new Date(link.expiresAt).toISOString()}:`,
    );
    out.info(`  ${link.url}`);
    // The link must open the same server the browser reaches: say where its address came from.
    out.info(`Links start with ${config.baseUrl}, from ${config.baseUrlSource}.`);
    return 0;
  } catch (error) {
    return refusal('user add', error, out);
  } finally {
    await container.close();
  }
}
