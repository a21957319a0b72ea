// The only entry point: `stopline <command>`. Parses the command line, loads the configuration
// and hands over to one command in cli/.
import { loadConfig, ConfigError } from './config.ts';
import { migrateCommand } from './cli/migrate-command.ts';
import { DatabaseNotReadyError } from './cli/open-database.ts';
import { InstanceLockedError } from './db/sqlite-instance-lock.ts';
import { gateCommand } from './cli/gate-command.ts';
import { deadlinesCommand } from './cli/deadlines-command.ts';
import { consoleOutput, type Output } from './cli/output.ts';
import { policyCommand } from './cli/policy-command.ts';
import { serveCommand } from './cli/serve-command.ts';
import { userCommand } from './cli/user-command.ts';
import { verifyCommand } from './cli/verify-command.ts';
import { mailKeyCommand } from './cli/mail-key-command.ts';
import { tokenCommand } from './cli/token-command.ts';
import { backupCommand } from './cli/backup-command.ts';
import { restoreCommand } from './cli/restore-command.ts';
import { anchorCommand } from './cli/anchor-command.ts';
import { filesCommand } from './cli/files-command.ts';
import { offlineCommand } from './cli/offline-command.ts';

const USAGE = `Usage: stopline <command>

Commands:
  serve     start the server (also: npm start)
  migrate   apply pending database migrations
  gate      for CI/deploys: exit 0 while the line runs, 1 naming the incidents that stop it
            (--allow-ref TEXT lets the fix through; --url URL --token TOKEN asks a remote server)
  policy check FILE
            validate a policy file; exits 1 printing each problem as FILE:LINE: field: message
  policy show
            summarise the policy in force (STOPLINE_POLICY)
  deadlines [--breached] [--within 4h]
            print breached deadlines and those due soon, soonest first; exits 1 if any is
            breached
  user add  create a staff account and print its one-time set-password link
            (stopline user add --email E --name N --role admin); says where the link's
            address comes from (STOPLINE_BASE_URL, the config file or the default)
  token create --user EMAIL --permission P [--permission P2] [--name N] [--expires TIME]
            an API token for that account (for provisioning scripts): the token alone on
            stdout, shown once; audited
  verify [--anchor FILE]
            check the hash chains of the event log and the audit trail; exits 1 naming the
            first broken record; with an anchor, also that every chain it names is still there
            and only extended (a stream deleted whole, an audit trail cut short)
  anchor [FILE]
            every chain head now, signed with the server key, to FILE or stdout
  backup FILE
            SQLite: write one archive with a consistent copy of the database (the server may
            keep running), the key file, stored files and the chain heads; PostgreSQL: says how
            to use pg_dump
  restore FILE
            SQLite: restore a backup into an empty STOPLINE_DATA_DIR, then verify it
  files migrate --to database|s3
            move the files kept in the data folder (attachments, raw mail) into the store
            STOPLINE_FILE_STORE names; each original is removed once its copy reads back
            with the same SHA-256; run again, it moves what is left
  offline FILE
            the offline copy (the policy, its runbooks and the on-call contact tree with
            everyone's contact channels) as one HTML file, for when Stopline is down
  mail-key show | import FILE [--passphrase-file FILE]
            the team's OpenPGP key for STOPLINE_SECURITY_EMAIL: print its fingerprint, or
            import an armored private key (sealed with the server key) and publish it
  help      show this text

Configuration comes from environment variables; see the README.`;

export async function main(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
  out: Output = consoleOutput,
): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    out.info(USAGE);
    return command ? 0 : 2;
  }
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      out.error(`stopline: configuration error: ${error.message}`);
      return 2;
    }
    throw error;
  }
  try {
    switch (command) {
      case 'serve':
        return await serveCommand(config, out);
      case 'migrate':
        return await migrateCommand(config, out);
      case 'user':
        return await userCommand(config, rest, out);
      case 'verify':
        return await verifyCommand(config, out, rest);
      case 'gate':
        return await gateCommand(config, rest, out, env);
      case 'policy':
        return await policyCommand(rest, config, out);
      case 'deadlines':
        return await deadlinesCommand(config, rest, out);
      case 'anchor':
        return await anchorCommand(config, rest, out);
      case 'backup':
        return await backupCommand(config, rest, out);
      case 'restore':
        return await restoreCommand(config, rest, out);
      case 'token':
        return await tokenCommand(config, rest, out);
      case 'files':
        return await filesCommand(config, rest, out);
      case 'offline':
        return await offlineCommand(config, rest, out);
      case 'mail-key':
        return await mailKeyCommand(config, rest, out);
      default:
        out.error(`stopline: unknown command "${command}"${rest.length ? '' : ''}\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    out.error(`stopline ${command}: ${(error as Error).message}`);
    return error instanceof DatabaseNotReadyError || error instanceof InstanceLockedError
      ? error.exitCode
      : 1;
  }
}
