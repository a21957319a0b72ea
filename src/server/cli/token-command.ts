// `stopline token create --user EMAIL --permission P [--permission P2 ...] [--name N] [--expires T]`:
// an API token for a staff account, for provisioning scripts that set a deployment up without
// driving the sign-in flow. The token alone goes to stdout (TOKEN=$(stopline token create ...));
// what it is goes to stderr. Shown once, stored as a hash, audited as the system.
import { parseArgs } from 'node:util';
import { PERMISSIONS } from '../../shared/domain/permissions.ts';
import type { Config } from '../config.ts';
import { createContainer } from '../container.ts';
import { systemActor } from '../domain/actor.ts';
import { createLogger } from '../logger.ts';
import { refusal, type Output } from './output.ts';

export const TOKEN_USAGE = `Usage: stopline token create --user EMAIL --permission PERMISSION [--permission P2 ...]
                             [--name NAME] [--expires 2027-06-30T00:00:00Z]

Prints the new token alone on stdout (shown this once; only its hash is kept) and what it is on
stderr. The account must be active and its roles must allow every permission.
Permissions: ${PERMISSIONS.join(', ')}`;

export async function tokenCommand(config: Config, args: string[], out: Output): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'create') {
    out.error(TOKEN_USAGE);
    return 2;
  }
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        user: { type: 'string' },
        permission: { type: 'string', multiple: true },
        name: { type: 'string' },
        expires: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    out.error(`stopline token create: ${(error as Error).message}\n\n${TOKEN_USAGE}`);
    return 2;
  }
  if (!values.user || !values.permission?.length) {
    out.error(TOKEN_USAGE);
    return 2;
  }
  const unknown = values.permission.filter((p) => !(PERMISSIONS as readonly string[]).includes(p));
  if (unknown.length > 0) {
    out.error(`stopline token create: unknown permission ${unknown.join(', ')}\n\n${TOKEN_USAGE}`);
    return 2;
  }
  if (values.expires !== undefined && Number.isNaN(Date.parse(values.expires))) {
    out.error(
      `stopline token create: --expires must be a date and time, e.g. 2027-06-30T00:00:00Z`,
    );
    return 2;
  }
  const container = await createContainer(config, { logger: createLogger('warn') });
  try {
    const { token, tokenInfo, owner } = await container.services.accounts.tokens.createTokenForUser(
      systemActor,
      {
        email: values.user,
        name: values.name ?? 'provisioning',
        permissions: values.permission as (typeof PERMISSIONS)[number][],
        ...(values.expires ? { expiresAt: new Date(values.expires).toISOString() } : {}),
      },
    );
    out.info(token);
    out.error(
      `Created API token "${tokenInfo.name}" (id ${tokenInfo.id}) for ${owner} with ${tokenInfo.permissions.join(', ')}` +
        `${tokenInfo.expiresAt ? `, until ${tokenInfo.expiresAt}` : ', no expiry'}. ` +
        'It is shown only this once; send it as "Authorization: Bearer <token>".',
    );
    return 0;
  } catch (error) {
    return refusal('token create', error, out);
  } finally {
    await container.close();
  }
}
