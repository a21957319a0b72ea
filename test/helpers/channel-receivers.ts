// Local stand-ins for the paging services Stopline's personal and team channels call, each
// checking the request and authentication its provider documents and refusing what it would
// refuse (401 for wrong credentials, 400 for a malformed request), so a test sees what a real
// provider would accept.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Receiver<T> {
  /** Base URL (http://127.0.0.1:port). */
  url: string;
  /** Accepted requests, as the provider reads them. */
  seen: T[];
  /** Requests refused for their authentication or shape, with the reason. */
  refused: string[];
  /** Status codes to answer accepted requests with, in turn; when used up, the provider's own. */
  answers: number[];
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

type Verdict<T> = { accept: T; status: number; body: unknown } | { refuse: string; status: number };

async function startReceiver<T>(
  judge: (req: IncomingMessage, body: Buffer) => Verdict<T>,
): Promise<Receiver<T>> {
  const seen: T[] = [];
  const refused: string[] = [];
  const answers: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const verdict = judge(req, Buffer.concat(chunks));
      res.setHeader('content-type', 'application/json');
      if ('refuse' in verdict) {
        refused.push(verdict.refuse);
        res.statusCode = verdict.status;
        res.end(JSON.stringify({ message: verdict.refuse }));
        return;
      }
      seen.push(verdict.accept);
      res.statusCode = answers.shift() ?? verdict.status;
      res.end(JSON.stringify(res.statusCode >= 500 ? { message: 'down' } : verdict.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    refused,
    answers,
    async waitFor(count, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (seen.length < count) {
        if (Date.now() > until) throw new Error(`only ${seen.length} of ${count} arrived`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface TwilioRequest {
  resource: 'Messages' | 'Calls';
  to: string;
  from: string;
  /** Messages: the text. */
  body: string | null;
  /** Calls: the TwiML the call runs. */
  twiml: string | null;
}

/**
 * Twilio's REST API as its documentation gives it: POST
 * /2010-04-01/Accounts/{AccountSid}/Messages.json (To, From, Body) or …/Calls.json (To, From and
 * Twiml or Url), form-encoded, with HTTP Basic authentication of the account SID and auth token;
 * 201 Created with the new resource's sid.
 */
export function startTwilioReceiver(account: {
  sid: string;
  token: string;
}): Promise<Receiver<TwilioRequest>> {
  return startReceiver<TwilioRequest>((req, raw) => {
    const expected = `Basic ${Buffer.from(`${account.sid}:${account.token}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      return { refuse: 'Authenticate (20003)', status: 401 };
    }
    const path = new RegExp(`^/2010-04-01/Accounts/${account.sid}/(Messages|Calls)\\.json$`);
    const match = req.method === 'POST' ? path.exec(req.url ?? '') : null;
    if (!match) return { refuse: `no resource ${req.method} ${req.url}`, status: 404 };
    if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') {
      return { refuse: `content-type ${req.headers['content-type']}`, status: 400 };
    }
    const form = new URLSearchParams(raw.toString('utf8'));
    const resource = match[1] as 'Messages' | 'Calls';
    const to = form.get('To');
    const from = form.get('From');
    const body = form.get('Body');
    const twiml = form.get('Twiml');
    if (!to || !from) return { refuse: 'A To and From are required (21604)', status: 400 };
    if (resource === 'Messages' && !body) return { refuse: 'Body is required', status: 400 };
    if (resource === 'Calls' && !twiml) return { refuse: 'Url or Twiml is required', status: 400 };
    const sid = `${resource === 'Messages' ? 'SM' : 'CA'}${String(Date.now()).padStart(32, '0')}`;
    return {
      accept: { resource, to, from, body, twiml },
      status: 201,
      body: { sid, account_sid: account.sid, to, from, status: 'queued' },
    };
  });
}

export interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key: string;
  payload?: { summary: string; source: string; severity: string };
  links?: { href: string; text: string }[];
}

/**
 * PagerDuty's Events API v2: POST /v2/enqueue, JSON with the integration's routing_key,
 * event_action and dedup_key (a trigger needs payload.summary, source and severity); 202 with
 * the dedup_key; 400 "Invalid event" otherwise.
 */
export function startPagerDutyReceiver(routingKey: string): Promise<Receiver<PagerDutyEvent>> {
  return startReceiver<PagerDutyEvent>((req, raw) => {
    if (req.method !== 'POST' || req.url !== '/v2/enqueue') {
      return { refuse: `no resource ${req.method} ${req.url}`, status: 404 };
    }
    let event: PagerDutyEvent;
    try {
      event = JSON.parse(raw.toString('utf8')) as PagerDutyEvent;
    } catch {
      return { refuse: 'Invalid event: not JSON', status: 400 };
    }
    if (event.routing_key !== routingKey) return { refuse: 'Invalid routing key', status: 400 };
    if (!['trigger', 'acknowledge', 'resolve'].includes(event.event_action) || !event.dedup_key) {
      return { refuse: 'Invalid event: event_action or dedup_key', status: 400 };
    }
    const p = event.payload;
    const severities = ['critical', 'error', 'warning', 'info'];
    if (
      event.event_action === 'trigger' &&
      !(p && p.summary && p.summary.length <= 1024 && p.source && severities.includes(p.severity))
    ) {
      return { refuse: 'Invalid event: payload', status: 400 };
    }
    return {
      accept: event,
      status: 202,
      body: { status: 'success', message: 'Event processed', dedup_key: event.dedup_key },
    };
  });
}

export interface OpsgenieCall {
  /** create, or acknowledge / close of an alias. */
  action: 'create' | 'acknowledge' | 'close';
  alias: string;
  body: Record<string, unknown>;
}

/**
 * Opsgenie's Alert API: `Authorization: GenieKey <key>`; POST /v2/alerts {message ≤ 130, alias …}
 * creates; POST /v2/alerts/{alias}/acknowledge|close?identifierType=alias; 202 with a requestId.
 */
export function startOpsgenieReceiver(apiKey: string): Promise<Receiver<OpsgenieCall>> {
  return startReceiver<OpsgenieCall>((req, raw) => {
    if (req.headers.authorization !== `GenieKey ${apiKey}`) {
      return { refuse: 'Key format is not valid!', status: 401 };
    }
    const url = new URL(req.url ?? '/', 'http://opsgenie.test');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      return { refuse: 'not JSON', status: 400 };
    }
    const accepted = { result: 'Request will be processed', requestId: 'req-1' };
    if (req.method === 'POST' && url.pathname === '/v2/alerts') {
      const message = body.message;
      if (typeof message !== 'string' || message.length === 0 || message.length > 130) {
        return { refuse: 'Message can not be empty or longer than 130', status: 422 };
      }
      return {
        accept: { action: 'create', alias: String(body.alias), body },
        status: 202,
        body: accepted,
      };
    }
    const step = /^\/v2\/alerts\/([^/]+)\/(acknowledge|close)$/.exec(url.pathname);
    if (req.method === 'POST' && step && url.searchParams.get('identifierType') === 'alias') {
      const alias = decodeURIComponent(step[1]!);
      const action = step[2] as 'acknowledge' | 'close';
      return { accept: { action, alias, body }, status: 202, body: accepted };
    }
    return { refuse: `no resource ${req.method} ${req.url}`, status: 404 };
  });
}
