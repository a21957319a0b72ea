// A private Dovecot IMAP server for tests: Debian's dovecot-imapd (installed by .ci/run), started
// on a free local port with its own configuration, passwd-file and maildir in a temporary folder,
// and stopped (the folder removed) at the end. Run as root (CI, these machines), Dovecot needs
// unprivileged users of its own: its internal and login processes run as dovenull (or nobody) and
// the mail as the `mail` user, which owns the mail folders; run as anyone else, as that user.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

export const DOVECOT = '/usr/sbin/dovecot';

export interface Dovecot {
  host: string;
  port: number;
  /** The one mailbox user (passwd-file). */
  user: string;
  password: string;
  /** Dovecot's own log, for a failing test's message. */
  log(): string;
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

/** A user's uid and gid from the passwd database, or null when there is none. */
function account(name: string): { uid: number; gid: number } | null {
  try {
    const [uid, gid] = execFileSync('id', ['-u', name], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .concat(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim())
      .map(Number);
    return { uid: uid!, gid: gid! };
  } catch {
    return null;
  }
}

/** Waits until the port takes connections and greets with IMAP (bounded; no fixed sleep). */
async function waitForGreeting(port: number, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dovecot exited with ${child.exitCode}`);
    const greeted = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('data', (chunk) => {
        socket.destroy();
        resolve(String(chunk).startsWith('* OK'));
      });
      socket.once('error', () => resolve(false));
    });
    if (greeted) return;
    if (Date.now() > deadline) throw new Error('dovecot did not greet in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export async function startDovecot(
  options: { user?: string; password?: string } = {},
): Promise<Dovecot> {
  const user = options.user ?? 'security@stopline.test';
  const password = options.password ?? 'imap-secret-pw';
  const dir = mkdtempSync(join(tmpdir(), 'stopline-dovecot-'));
  // The mail and login users must reach their folders below it.
  chmodSync(dir, 0o755);
  const asRoot = process.getuid?.() === 0;
  const internal = asRoot ? ['dovenull', 'nobody'].find((n) => account(n) !== null) : null;
  const mailUser = asRoot ? (account('mail') ? 'mail' : 'nobody') : userInfo().username;
  const mailAccount = asRoot
    ? account(mailUser)!
    : { uid: process.getuid!(), gid: process.getgid!() };
  const mailDir = join(dir, 'mail');
  mkdirSync(mailDir, { mode: 0o700 });
  if (asRoot) chownSync(mailDir, mailAccount.uid, mailAccount.gid);
  writeFileSync(join(dir, 'passwd'), `${user}:{PLAIN}${password}::::::\n`, { mode: 0o644 });
  const port = await freePort();
  const internalUsers = internal
    ? [`default_internal_user = ${internal}`, `default_login_user = ${internal}`]
    : [`default_internal_user = ${mailUser}`, `default_login_user = ${mailUser}`];
  const config = [
    `base_dir = ${join(dir, 'run')}`,
    `state_dir = ${join(dir, 'state')}`,
    `log_path = ${join(dir, 'dovecot.log')}`,
    'protocols = imap',
    'listen = 127.0.0.1',
    'ssl = no',
    'disable_plaintext_auth = no',
    'auth_mechanisms = plain login',
    ...internalUsers,
    ...(internal
      ? [`default_internal_group = ${internal === 'nobody' ? 'nogroup' : internal}`]
      : []),
    `first_valid_uid = ${mailAccount.uid}`,
    `last_valid_uid = ${mailAccount.uid}`,
    `first_valid_gid = ${mailAccount.gid}`,
    `last_valid_gid = ${mailAccount.gid}`,
    `mail_location = maildir:${mailDir}/%u`,
    'passdb {',
    '  driver = passwd-file',
    `  args = scheme=PLAIN ${join(dir, 'passwd')}`,
    '}',
    'userdb {',
    '  driver = static',
    `  args = uid=${mailAccount.uid} gid=${mailAccount.gid} home=${mailDir}/%u`,
    '}',
    'service imap-login {',
    '  inet_listener imap {',
    '    address = 127.0.0.1',
    `    port = ${port}`,
    '  }',
    '  inet_listener imaps {',
    '    port = 0',
    '  }',
    '}',
    'service pop3-login {',
    '  inet_listener pop3 {',
    '    port = 0',
    '  }',
    '}',
    'service stats {',
    '  unix_listener stats-reader {',
    '    mode = 0666',
    '  }',
    '  unix_listener stats-writer {',
    '    mode = 0666',
    '  }',
    '}',
    '',
  ].join('\n');
  const configFile = join(dir, 'dovecot.conf');
  writeFileSync(configFile, config, { mode: 0o644 });
  const child = spawn(DOVECOT, ['-F', '-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += String(c)));
  child.stderr?.on('data', (c: Buffer) => (output += String(c)));
  const log = () => {
    let text = output;
    try {
      text += readFileSync(join(dir, 'dovecot.log'), 'utf8');
    } catch {
      // no log yet
    }
    return text;
  };
  try {
    await waitForGreeting(port, child, 15_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${log()}`);
  }
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
