// `stopline mail-key show | import FILE [--passphrase-file FILE]`: the team's OpenPGP key for the
// security address. show prints its fingerprint (made on first need); import reads an armored
// private key (locked ones are opened with the passphrase in the file given), seals it with the
// server key and makes it the published key; earlier keys still decrypt what was sent to them.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { createContainer } from '../container.ts';
import { AppError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import type { Output } from './output.ts';

export const MAIL_KEY_USAGE = `Usage: stopline mail-key show
       stopline mail-key import PRIVATE-KEY.asc [--passphrase-file FILE]`;

export async function mailKeyCommand(config: Config, args: string[], out: Output): Promise<number> {
  const [sub, ...rest] = args;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { 'passphrase-file': { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    out.error(`stopline mail-key: ${(error as Error).message}\n\n${MAIL_KEY_USAGE}`);
    return 2;
  }
  const file = parsed.positionals[0];
  if (!(sub === 'show' && !file) && !(sub === 'import' && file)) {
    out.error(MAIL_KEY_USAGE);
    return 2;
  }
  if (!config.securityEmail) {
    out.error('stopline mail-key: set STOPLINE_SECURITY_EMAIL first (the key is for that address)');
    return 2;
  }
  const container = await createContainer(config, { logger: createLogger('warn') });
  try {
    const { mail } = container.services;
    if (sub === 'import') {
      const armored = await readFile(file!, 'utf8');
      const passphraseFile = parsed.values['passphrase-file'];
      const passphrase = passphraseFile
        ? (await readFile(passphraseFile, 'utf8')).replace(/\r?\n$/, '')
        : undefined;
      const { fingerprint } = await mail.importTeamKey(armored, passphrase);
      out.info(
        `Imported the team key ${fingerprint} for ${config.securityEmail}; it is published now.`,
      );
      return 0;
    }
    const key = await mail.findPublishedKey();
    out.info(`${config.securityEmail}: ${key!.fingerprint}`);
    return 0;
  } catch (error) {
    if (error instanceof AppError && error.code !== 'INTERNAL') {
      out.error(`stopline mail-key: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await container.close();
  }
}
