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
