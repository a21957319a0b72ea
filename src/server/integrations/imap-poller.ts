// IMAP polling of a mailbox (imapflow): the second way in for security@ by e-mail, for a team whose
// mail lives in a mailbox rather than passing an MTA. One instance at a time reads a mailbox: it
// takes a lease in the database first (and keeps renewing it), and an instance without the lease
// does not even connect. Messages are read by UID above the last one stored, under the mailbox's
// UIDVALIDITY (a new UIDVALIDITY reads the mailbox again; Message-IDs recognise what came before);
// each message's raw bytes go to the mail subject, the same use case as SMTP, and only once they
// are stored is its UID recorded and the configured post-action done (move, flag \Seen, keep).
// While it holds the lease the connection stays open in IDLE, so new mail is read as it arrives;
// a timer polls too, for servers without IDLE and to renew the lease.
import { EventEmitter } from 'node:events';
import { ImapFlow } from 'imapflow';
import { newId } from '../ids.ts';
import type { MailboxService, MailEnvelope, MailOutcome } from '../domain/mail/index.ts';
import type { Logger } from '../logger.ts';

export type ImapAfter = 'keep' | 'flag' | 'move';

/** A lost or refused connection (imapflow's codes), as opposed to a failure to store. */
const isConnectionError = (error: unknown) =>
  typeof error === 'object' &&
  error !== null &&
  [
    'NoConnection',
    'ClosedAfterConnectTLS',
    'ETIMEOUT',
    'ECONNRESET',
    'EPIPE',
    'ECONNREFUSED',
  ].includes(String((error as { code?: unknown }).code));

export interface ImapPollerSettings {
  host: string;
  port: number;
  /** tls: TLS from the start (993); starttls: upgrade required; none: plain (tests, loopback). */
  security: 'tls' | 'starttls' | 'none';
  user: string;
  password: string;
  mailbox: string;
  after: ImapAfter;
  /** The folder `move` moves to (made if missing). */
  moveTo: string;
  /** How often it polls besides IDLE, and renews its lease. */
  pollMs: number;
  /** How long the lease holds without renewal: then another instance takes the mailbox over. */
  leaseMs: number;
  /** Largest message read; a larger one is left in the mailbox and logged. */
  maxBytes: number;
  /** This instance's name on the lease (tests name theirs). */
  holder?: string;
}

export interface ImapPollerDeps {
  settings: ImapPollerSettings;
  logger: Logger;
  mailboxes: Pick<
    MailboxService,
    'claimMailbox' | 'releaseMailbox' | 'findMailboxCursor' | 'advanceMailboxCursor'
  >;
  receive(raw: Buffer, envelope: MailEnvelope): Promise<MailOutcome>;
}

/** What one round did: whether this instance held the mailbox, and what it read. */
export interface ImapRound {
  held: boolean;
  read: MailOutcome[];
  /** Messages left in the mailbox because they were over the size limit. */
  tooBig: number;
}

export class ImapPoller extends EventEmitter<{ message: [MailOutcome]; round: [ImapRound] }> {
  readonly holder: string;
  readonly mailboxKey: string;
  readonly #deps: ImapPollerDeps;
  #client: ImapFlow | null = null;
  #running: Promise<ImapRound> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | null = null;
  #stopped = true;

  constructor(deps: ImapPollerDeps) {
    super();
    this.#deps = deps;
    const s = deps.settings;
    this.holder = s.holder ?? `imap-${newId()}`;
    this.mailboxKey = `${s.user}@${s.host}:${s.port}/${s.mailbox}`;
  }

  /** One round now (or the one under way): claim, read what is new, act on it. */
  pollOnce(): Promise<ImapRound> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    const round = this.#round().finally(() => {
      this.#running = null;
      if (this.#again && !this.#stopped) {
        this.#again = false;
        void this.pollOnce();
      }
    });
    this.#running = round;
    return round;
  }

  async #round(): Promise<ImapRound> {
    const { settings, mailboxes, logger } = this.#deps;
    const held = await mailboxes.claimMailbox(this.mailboxKey, this.holder, settings.leaseMs);
    if (!held) {
      // Another instance reads this mailbox: this one keeps no connection to it.
      await this.#disconnect();
      const round = { held: false, read: [], tooBig: 0 };
      this.emit('round', round);
      return round;
    }
    const round: ImapRound = { held: true, read: [], tooBig: 0 };
    // A connection the server dropped (a restart, an idle timeout, a mailbox deleted while
    // selected) is made again once within the round.
    for (const attempt of [1, 2]) {
      try {
        await this.#readRound(round);
        break;
      } catch (error) {
        await this.#disconnect();
        if (attempt === 2 || !isConnectionError(error))
          logger.warn({ err: error, mailbox: settings.mailbox }, 'IMAP polling: round failed');
        if (!isConnectionError(error)) break;
      }
    }
    this.emit('round', round);
    return round;
  }

  async #readRound(round: ImapRound): Promise<void> {
    const { settings, logger } = this.#deps;
    const client = await this.#connect();
    // Selected afresh each round: its UIDVALIDITY and messages as the server has them now
    // (a server may keep showing a session the mailbox it selected, even once made anew).
    if (client.mailbox) await client.mailboxClose();
    const lock = await client.getMailboxLock(settings.mailbox);
    try {
      await this.#readNew(client, round);
    } finally {
      lock.release();
    }
    // Wait in IDLE at once, so new mail is announced as it arrives (the 'exists' event).
    if (this.#client === client)
      client
        .idle()
        .catch((error: unknown) => logger.debug({ err: error }, 'IMAP polling: IDLE ended'));
  }

  async #readNew(client: ImapFlow, round: ImapRound): Promise<void> {
    const { settings, mailboxes, logger } = this.#deps;
    const opened = client.mailbox;
    if (!opened) return;
    const uidValidity = Number(opened.uidValidity);
    const cursor = await mailboxes.findMailboxCursor(this.mailboxKey);
    let lastUid = cursor?.lastUid ?? 0;
    if (cursor?.uidValidity != null && cursor.uidValidity !== uidValidity) {
      // The server renumbered the mailbox: every UID is new. Read it again; Message-IDs
      // recognise the messages stored before as duplicates.
      logger.warn(
        { mailbox: settings.mailbox, was: cursor.uidValidity, now: uidValidity },
        'IMAP polling: UIDVALIDITY changed, reading the mailbox again',
      );
      lastUid = 0;
    }
    if (opened.exists === 0) return;
    const found = await client.search({ uid: `${lastUid + 1}:*` }, { uid: true });
    const uids = (found || []).filter((uid) => uid > lastUid).sort((a, b) => a - b);
    for (const uid of uids) {
      const sized = await client.fetchOne(String(uid), { uid: true, size: true }, { uid: true });
      if (!sized) continue;
      let stored: MailOutcome | null = null;
      if ((sized.size ?? 0) > settings.maxBytes) {
        round.tooBig++;
        logger.warn(
          { mailbox: settings.mailbox, uid, size: sized.size },
          'IMAP polling: message over the size limit left in the mailbox',
        );
      } else {
        const message = await client.fetchOne(
          String(uid),
          { uid: true, source: true },
          { uid: true },
        );
        if (!message || !message.source) continue;
        // Stored raw before anything reads it; a failure here stops the round, the UID
        // unrecorded, so the message is read again next time.
        stored = await this.#deps.receive(message.source, {
          via: 'imap',
          remoteAddress: null,
          helo: null,
          mailFrom: null,
          rcptTo: [],
        });
      }
      const stillHeld = await mailboxes.advanceMailboxCursor(this.mailboxKey, {
        holder: this.holder,
        uidValidity,
        lastUid: uid,
        leaseMs: settings.leaseMs,
      });
      if (stored) {
        round.read.push(stored);
        this.emit('message', stored);
      }
      if (!stillHeld) {
        // The lease ran out and another instance may read now: stop here.
        logger.warn({ mailbox: settings.mailbox }, 'IMAP polling: lease lost, stopping');
        await this.#disconnect();
        return;
      }
      if (stored) await this.#after(client, uid);
    }
  }

  async #after(client: ImapFlow, uid: number): Promise<void> {
    const { after, moveTo } = this.#deps.settings;
    if (after === 'flag') await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
    else if (after === 'move') {
      const moved = await client.messageMove(String(uid), moveTo, { uid: true });
      if (!moved) {
        await client.mailboxCreate(moveTo).catch(() => undefined);
        await client.messageMove(String(uid), moveTo, { uid: true });
      }
    }
  }

  async #connect(): Promise<ImapFlow> {
    if (this.#client?.usable) return this.#client;
    await this.#disconnect();
    const { settings, logger } = this.#deps;
    const client = new ImapFlow({
      host: settings.host,
      port: settings.port,
      secure: settings.security === 'tls',
      doSTARTTLS:
        settings.security === 'starttls' ? true : settings.security === 'none' ? false : undefined,
      auth: { user: settings.user, pass: settings.password },
      logger: false,
      connectionTimeout: 30_000,
    });
    client.on('error', (error: unknown) =>
      logger.warn({ err: error }, 'IMAP polling: connection error'),
    );
    // New mail seen while idling: read it now.
    client.on('exists', () => {
      if (!this.#stopped) void this.pollOnce();
    });
    client.on('close', () => {
      if (this.#client === client) this.#client = null;
    });
    await client.connect();
    this.#client = client;
    return client;
  }

  async #disconnect(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    if (!client) return;
    await client.logout().catch(() => client.close());
  }

  /** Polls now and every pollMs, and reads new mail as IDLE announces it. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    const tick = () => {
      void this.pollOnce().finally(() => {
        if (this.#stopped) return;
        this.#timer = setTimeout(tick, this.#deps.settings.pollMs);
        this.#timer.unref();
      });
    };
    tick();
  }

  /** Stops polling, lets go of the mailbox and its lease (another instance may take it at once). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => undefined);
    await this.#disconnect();
    await this.#deps.mailboxes
      .releaseMailbox(this.mailboxKey, this.holder)
      .catch((error: unknown) =>
        this.#deps.logger.warn({ err: error }, 'IMAP polling: could not release the mailbox'),
      );
  }
}
