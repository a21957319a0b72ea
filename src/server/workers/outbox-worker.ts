// The outbox delivery worker: claims due messages (compare-and-set lease, so several instances
// never send one message at once), sends each on its channel, records the attempt, and settles
// it as delivered, due again after an exponential backoff, or dead after the last attempt.
// A crash between sending and settling repeats the delivery once the lease runs out (never a
// loss); receivers recognise the repeat by the message's idempotency id.
// When it runs (`start`), a commit that enqueues messages wakes it at once: in this process
// through db/outbox-notices.ts, from other instances through PostgreSQL NOTIFY (`hearCommits`).
// Between wake-ups it sleeps until the next message falls due (a retry, a notice held back for
// quiet hours), and never longer than pollMs, the fallback for a wake-up that did not come.
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.ts';
import {
  claimMessages,
  findNextDueAt,
  listDueIds,
  SEALED_SECRET_MARK,
  settleMessages,
  type ClaimedMessage,
  type SettledAttempt,
  type Settlement,
} from '../db/outbox-delivery.ts';
import { DeadLetter, OUTBOX_CHANNELS } from '../db/outbox.ts';
import { onEnqueued } from '../db/outbox-notices.ts';
import type { Db } from '../db/schema.ts';
import {
  nextAttemptAt,
  PERSONAL_CHANNELS,
  type PersonalChannel,
  type AlertEvent,
  type PersonalNotice,
  type RetryPolicy,
  type WebhookEndpoint,
} from '../domain/notifications/index.ts';
import type { HookAnswer, HookForCall } from '../domain/incidents/index.ts';
import type { Mailer } from '../integrations/smtp-mailer.ts';
import { chatMessage, slackMessage, teamsMessage } from '../integrations/chat-message.ts';
import { ADDRESS_WORDS, type PersonalRequests } from './personal-requests.ts';
import type { HttpPoster } from '../integrations/outbound-http.ts';
import { pagingRequest } from '../integrations/paging-sender.ts';
import { standardWebhookHeaders } from '../integrations/webhook-sender.ts';
import type { Logger } from '../logger.ts';

export interface OutboxWorkerDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Unset when no SMTP server is configured: e-mail then waits in the outbox. */
  mailer: Mailer | null;
  http: HttpPoster;
  findEndpoint(id: string): Promise<WebhookEndpoint | null>;
  /** Encrypts an e-mail's body to its recipient's OpenPGP key, or null when none is kept. */
  encryptFor(address: string, body: Buffer): Promise<string | null>;
  /** Opens the issue a `tracker` message asks for (trackers subject); throws when it failed
   * (a DeadLetter when trying again cannot help); `last`: no attempt follows a failure. */
  deliverTrackerIssue(
    issueId: string,
    bodyText: string,
    deliveryId: string,
    last: boolean,
  ): Promise<void>;
  /** The requests of the personal channels (ntfy, sms, voice): the person's address then. */
  personal: PersonalRequests;
  /** Opens a secret an e-mail's text carries, sealed with the server key (SEALED_SECRET_MARK). */
  openSealed(sealed: string): string;
  /** Containment hooks (incidents subject): the hook a call goes to, and where each answer is
   * recorded (on the incident). */
  hooks: {
    find(id: string): Promise<HookForCall | null>;
    answered(answer: HookAnswer): Promise<void>;
  };
  /**
   * Word from every instance that outbox rows were committed (PostgreSQL LISTEN, through the live
   * feed); resolves once listening. Commits in this process are heard without it.
   */
  hearCommits?: (wake: () => void) => Promise<() => void>;
  settings: RetryPolicy & {
    /** How long a claim holds before another worker may take the message over. */
    leaseMs: number;
    /** Messages claimed per round. */
    batchSize: number;
    /** Sends in flight at once within a round. */
    concurrency: number;
    /** Longest pause between rounds when the loop runs (`start`): the fallback poll for a
     * wake-up that did not come (STOPLINE_OUTBOX_POLL_SECONDS). */
    pollMs: number;
    /** The host part of Message-IDs (the base URL's host). */
    messageIdDomain: string;
  };
}

export interface DeliveryRound {
  delivered: number;
  failed: number;
  dead: number;
}

/** The bytes of a containment hook's reply kept on the incident. */
const HOOK_EXCERPT_BYTES = 2000;

interface HookReply {
  status: number | null;
  excerpt: string;
}

const isPersonal = (channel: string): channel is PersonalChannel =>
  (PERSONAL_CHANNELS as readonly string[]).includes(channel);

/** A receiver's answer: 2xx delivered; 408, 429 and 5xx tried again; any other refusal (bad
 * credentials, an unknown topic or number) cannot mend itself, so it is a dead letter at once. */
function settleStatus(status: number, receiver: string): void {
  if (status >= 200 && status <= 299) return;
  const failure = `HTTP ${status} from ${receiver}`;
  if (status === 408 || status === 429 || status >= 500) throw new Error(failure);
  throw new DeadLetter(`${failure}: ${REFUSALS[status] ?? 'the request was refused'}`);
}

const REFUSALS: Record<number, string> = {
  400: 'the request was refused as malformed',
  401: 'the credentials were refused',
  403: 'the credentials may not publish here',
  404: 'there is no such topic or account',
};

type Outcome = 'delivered' | 'failed' | 'dead';

/**
 * Records attempts as their sends finish, several per commit: those that finish while one
 * transaction commits wait for it and go together in the next (a commit cost about 15 times a
 * bare POST; bench/DELIVERY.md). An attempt counts as recorded only once its transaction commits.
 */
function settleTogether(db: Db): (attempt: SettledAttempt) => Promise<boolean> {
  let waiting: {
    attempt: SettledAttempt;
    done: (settled: boolean) => void;
    fail: (error: unknown) => void;
  }[] = [];
  let committing: Promise<void> | null = null;
  const commit = async () => {
    while (waiting.length) {
      // Sends that finished meanwhile add their attempts first.
      await new Promise((resolve) => setImmediate(resolve));
      const batch = waiting;
      waiting = [];
      try {
        const settled = await settleMessages(
          db,
          batch.map((b) => b.attempt),
        );
        batch.forEach((b, i) => b.done(settled[i]!));
      } catch (error) {
        for (const b of batch) b.fail(error);
      }
    }
    committing = null;
  };
  return (attempt) =>
    new Promise<boolean>((done, fail) => {
      waiting.push({ attempt, done, fail });
      committing ??= commit();
    });
}

/** A round that found nothing due but saw a message due already (another worker's, or one
 * committed meanwhile) waits this long at least, so the loop never spins. */
const IDLE_FLOOR_MS = 1000;

export class OutboxWorker {
  readonly #deps: OutboxWorkerDeps;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<unknown> | null = null;
  #stopped = true;
  /** A wake-up came while a round ran: another round follows at once. */
  #again = false;
  #stopLocal: (() => void) | null = null;
  #stopRemote: (() => void) | null = null;
  #remote: 'off' | 'starting' | 'on' = 'off';

  constructor(deps: OutboxWorkerDeps) {
    this.#deps = deps;
  }

  /** Runs rounds until stopped: at once, then whenever a commit enqueues messages or the next
   * one falls due, and at least every pollMs. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#stopLocal = onEnqueued(this.#deps.db, () => this.wake());
    this.#hearOtherInstances();
    this.#schedule(0);
  }

  /** A delivery round now (or right after the one in progress): messages were committed. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) this.#again = true;
    else this.#schedule(0);
  }

  /** Stops the loop and waits for the round in progress to settle. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#stopLocal?.();
    this.#stopLocal = null;
    this.#stopRemote?.();
    this.#stopRemote = null;
    this.#remote = 'off';
    await this.#running;
    this.#running = null;
  }

  /** Stops the loop and closes the channel clients; the worker is not used again. */
  async close(): Promise<void> {
    await this.stop();
    this.#deps.mailer?.close();
    this.#deps.http.close();
  }

  #hearOtherInstances(): void {
    const { hearCommits, logger, settings } = this.#deps;
    if (!hearCommits || this.#remote !== 'off') return;
    this.#remote = 'starting';
    hearCommits(() => this.wake()).then(
      (stop) => {
        if (this.#stopped || this.#remote !== 'starting') return stop();
        this.#remote = 'on';
        this.#stopRemote = stop;
      },
      (error: unknown) => {
        if (this.#remote === 'starting') this.#remote = 'off'; // tried again next round
        logger.warn(
          { err: error, pollSeconds: settings.pollMs / 1000 },
          'outbox: cannot hear other instances commit; polling meanwhile',
        );
      },
    );
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#again = false;
      const round = this.#round();
      this.#running = round;
      void round.then((next) => {
        this.#running = null;
        this.#schedule(this.#again ? 0 : next);
      });
    }, delayMs);
    this.#timer.unref();
  }

  /** One round of the loop; returns how long to wait before the next. */
  async #round(): Promise<number> {
    const { clock, db, logger, settings } = this.#deps;
    this.#hearOtherInstances();
    try {
      const done = await this.deliverDue(clock.now());
      const handled = done.delivered + done.failed + done.dead;
      if (handled >= settings.batchSize) return 0; // more is waiting
      const channels = this.#deliverable();
      const nextDue = await findNextDueAt(db, channels);
      if (nextDue === null) return settings.pollMs;
      const wait = nextDue - clock.now();
      if (wait <= 0) return handled > 0 ? 0 : IDLE_FLOOR_MS;
      return Math.min(wait, settings.pollMs);
    } catch (error) {
      logger.error({ err: error }, 'outbox delivery round failed');
      return settings.pollMs;
    }
  }

  /** One round: claims what is due at `now` and delivers it. Tests call this with a fake clock. */
  async deliverDue(now: number): Promise<DeliveryRound> {
    const { db, settings } = this.#deps;
    const round: DeliveryRound = { delivered: 0, failed: 0, dead: 0 };
    const channels = this.#deliverable();
    const due = await listDueIds(db, now, settings.batchSize, channels);
    if (due.length === 0) return round;
    // All claims of a round in one statement and one commit; each is still its own
    // compare-and-set, so a message another worker took is simply not ours.
    const claimed = await db
      .transaction()
      .execute((tx) => claimMessages(tx, due, now, settings.leaseMs));
    const endpoints = new Map<string, Promise<WebhookEndpoint | null>>();
    const lookup = (id: string) => {
      if (!endpoints.has(id)) endpoints.set(id, this.#deps.findEndpoint(id));
      return endpoints.get(id)!;
    };
    // A few sends in flight at once, so one slow receiver does not hold up the round; a lane
    // takes its next message while the attempt it made waits to be recorded.
    const settle = settleTogether(db);
    const recorded: Promise<Outcome>[] = [];
    let next = 0;
    const lanes = Array.from(
      { length: Math.min(settings.concurrency, claimed.length) },
      async () => {
        while (next < claimed.length) {
          const attempt = await this.#attempt(claimed[next++]!, lookup);
          const outcome = this.#record(attempt, settle);
          outcome.catch(() => {}); // answered below, with the round
          recorded.push(outcome);
        }
      },
    );
    await Promise.all(lanes);
    for (const outcome of await Promise.all(recorded)) round[outcome] += 1;
    return round;
  }

  /** Sends one message; answers the attempt to record. */
  async #attempt(
    message: ClaimedMessage,
    lookup: (id: string) => Promise<WebhookEndpoint | null>,
  ): Promise<SettledAttempt & { answer: HookReply }> {
    const { clock, settings } = this.#deps;
    const startedAt = clock.now();
    let settlement: Settlement;
    const answer: HookReply = { status: null, excerpt: '' };
    try {
      if (message.channel === 'hook') await this.#callHook(message, answer);
      else await this.#send(message, lookup);
      settlement = { outcome: 'delivered' };
    } catch (error) {
      const finished = clock.now();
      settlement = {
        outcome: 'failed',
        error: error instanceof Error ? error.message : String(error),
        retryAt:
          error instanceof DeadLetter
            ? null
            : nextAttemptAt(message.attempts + 1, finished, settings),
      };
    }
    return { message, startedAt, finishedAt: clock.now(), settlement, answer };
  }

  /** Records an attempt (with others, `settle`) and says what became of the message. */
  async #record(
    attempt: SettledAttempt & { answer: HookReply },
    settle: (attempt: SettledAttempt) => Promise<boolean>,
  ): Promise<Outcome> {
    const { logger } = this.#deps;
    const { message, settlement, answer } = attempt;
    const settled = await settle(attempt);
    const log = { messageId: message.id, channel: message.channel, attempt: message.attempts + 1 };
    if (message.channel === 'hook') await this.#recordHookAnswer(message, answer, settlement);
    if (!settled) {
      logger.warn(log, 'outbox claim lapsed before the attempt was recorded');
      return settlement.outcome === 'delivered' ? 'delivered' : 'failed';
    }
    if (settlement.outcome === 'delivered') return 'delivered';
    if (settlement.retryAt === null) {
      logger.error({ ...log, error: settlement.error }, 'outbox message is a dead letter');
      return 'dead';
    }
    logger.warn(
      { ...log, error: settlement.error, retryAt: settlement.retryAt },
      'delivery failed',
    );
    return 'failed';
  }

  async #send(
    message: ClaimedMessage,
    lookup: (id: string) => Promise<WebhookEndpoint | null>,
  ): Promise<void> {
    const { mailer, http, clock } = this.#deps;
    if (message.channel === 'email') {
      if (!mailer) throw new Error('no SMTP server is configured');
      await mailer.send({
        to: message.recipient,
        subject: message.subject,
        text: message.sealedSecret
          ? message.bodyText.replace(
              SEALED_SECRET_MARK,
              this.#deps.openSealed(message.sealedSecret),
            )
          : message.bodyText,
        html: message.bodyHtml ?? undefined,
        messageId: message.threading?.messageId ?? this.#messageIdFor(message),
        ...(message.threading ? { threading: message.threading } : {}),
        ...(message.listUnsubscribe ? { listUnsubscribe: message.listUnsubscribe } : {}),
        idempotencyKey: message.idempotencyKey,
        encrypt: (body) => this.#deps.encryptFor(message.recipient, body),
      });
      return;
    }
    if (message.channel === 'tracker') {
      // The last attempt: a failure now makes a dead letter, shown on the issue as such.
      const last = nextAttemptAt(message.attempts + 1, clock.now(), this.#deps.settings) === null;
      await this.#deps.deliverTrackerIssue(
        message.recipient,
        message.bodyText,
        message.idempotencyKey,
        last,
      );
      return;
    }
    if (isPersonal(message.channel)) {
      const notice = JSON.parse(message.bodyText) as PersonalNotice;
      const channel = message.channel;
      const request = await this.#deps.personal.request(channel, message.recipient, notice);
      if (!request) throw new DeadLetter(`the person removed their ${ADDRESS_WORDS[channel]}`);
      const { url, headers, body, receiver, forget } = request;
      const reply = await http.call(url, { method: 'POST', headers, body }, 0);
      if (forget && (reply.status === 404 || reply.status === 410)) {
        await forget();
        throw new DeadLetter(
          `HTTP ${reply.status} from ${receiver}: the ${ADDRESS_WORDS[channel]} has expired or was withdrawn, and was removed`,
        );
      }
      settleStatus(reply.status, receiver);
      return;
    }
    const endpoint = await lookup(message.recipient);
    if (!endpoint) throw new Error('the webhook endpoint was removed');
    if (!endpoint.active) throw new Error('the webhook endpoint is switched off');
    if (message.channel === 'pagerduty' || message.channel === 'opsgenie') {
      if (!endpoint.secret) throw new DeadLetter('the endpoint has no integration key');
      const event = JSON.parse(message.bodyText) as AlertEvent;
      const { url, headers, body } = pagingRequest(
        message.channel,
        endpoint.url,
        endpoint.secret,
        event,
      );
      const reply = await http.call(url, { method: 'POST', headers, body }, 0);
      settleStatus(reply.status, message.channel === 'pagerduty' ? 'PagerDuty' : 'Opsgenie');
      return;
    }
    if (message.channel === 'webhook') {
      if (!endpoint.secret) throw new Error('the webhook endpoint has no signing secret');
      const seconds = Math.floor(clock.now() / 1000);
      const headers = standardWebhookHeaders(
        endpoint.secret,
        message.idempotencyKey,
        seconds,
        message.bodyText,
      );
      await http.post(endpoint.url, message.bodyText, headers);
      return;
    }
    const notice = { subject: message.subject, text: message.bodyText, mentions: message.mentions };
    const body =
      message.channel === 'slack'
        ? slackMessage(notice)
        : message.channel === 'teams'
          ? teamsMessage(notice)
          : chatMessage(notice);
    await http.post(endpoint.url, JSON.stringify(body));
  }

  /** The channels this instance can send now: e-mail waits for an SMTP server, texts and calls
   * for an SMS provider; undefined: all of them. */
  #deliverable(): string[] | undefined {
    const waiting = (channel: string) =>
      (channel === 'email' && !this.#deps.mailer) ||
      (isPersonal(channel) && !this.#deps.personal.channels.includes(channel));
    const channels = OUTBOX_CHANNELS.filter((c) => !waiting(c));
    return channels.length === OUTBOX_CHANNELS.length ? undefined : channels;
  }

  /** A containment hook's call: its URL for the phase, signed or with its bearer token; the
   * status and the first bytes of the reply go into `answer`, a non-2xx answer is a failure. */
  async #callHook(message: ClaimedMessage, answer: HookReply): Promise<void> {
    const { http, clock } = this.#deps;
    const hook = await this.#deps.hooks.find(message.recipient);
    if (!hook) throw new Error('the containment hook was removed');
    if (!hook.enabled) throw new Error('the containment hook is switched off');
    const url = message.subject === 'revert' ? hook.revertUrl : hook.url;
    if (!url) throw new Error('the containment hook has no revert URL');
    const headers =
      hook.auth === 'bearer'
        ? { authorization: `Bearer ${hook.secret}` }
        : standardWebhookHeaders(
            hook.secret,
            message.idempotencyKey,
            Math.floor(clock.now() / 1000),
            message.bodyText,
          );
    const reply = await http.call(
      url,
      { method: hook.method, body: message.bodyText, headers },
      HOOK_EXCERPT_BYTES,
    );
    answer.status = reply.status;
    answer.excerpt = reply.excerpt;
    if (reply.status < 200 || reply.status > 299) {
      throw new Error(`HTTP ${reply.status} from the containment hook`);
    }
  }

  /** Each attempt of a hook's call is recorded on its incident (a failure too, with its retry). */
  async #recordHookAnswer(
    message: ClaimedMessage,
    answer: HookReply,
    settlement: Settlement,
  ): Promise<void> {
    const body = JSON.parse(message.bodyText) as {
      data: { incident: { id: string }; action: { id: string } };
    };
    try {
      await this.#deps.hooks.answered({
        incidentId: body.data.incident.id,
        actionId: body.data.action.id,
        hookId: message.recipient,
        phase: message.subject === 'revert' ? 'revert' : 'apply',
        outcome: settlement.outcome === 'delivered' ? 'ok' : 'failed',
        status: answer.status,
        excerpt: answer.excerpt,
        error: settlement.outcome === 'delivered' ? null : settlement.error,
        attempt: message.attempts + 1,
        retryAt: settlement.outcome === 'delivered' ? null : settlement.retryAt,
      });
    } catch (error) {
      this.#deps.logger.error(
        { err: error, messageId: message.id },
        'a containment hook answer could not be recorded on its incident',
      );
    }
  }

  /** Stable per message: the same key always gives the same Message-ID. */
  #messageIdFor(message: ClaimedMessage): string {
    const digest = createHash('sha256').update(message.idempotencyKey).digest('hex').slice(0, 32);
    return `<${digest}@${this.#deps.settings.messageIdDomain}>`;
  }
}
