// Calls to a development tracker's REST API (GitHub, GitLab, Jira) whose answer Stopline must read:
// the issue it opened (its URL and number or key) and later its state. Every connection goes to an
// address outbound-address.ts checked (as outbound-http.ts does for webhooks); redirects are not
// followed (a REST API that moved is a configuration to fix, not a hop to take with credentials);
// the answer is read up to 1 MB and parsed as JSON. Failures are described without the tracker's
// words and never with the URL.
import http from 'node:http';
import https from 'node:https';
import { resolveWithDns, type AllowList, type Resolve } from './outbound-address.ts';
import { checkedLookup, DeliveryFailed, describeFailure } from './outbound-http.ts';
import { ipLiteral, resolveChecked } from './outbound-address.ts';

export interface TrackerRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** JSON text, for a POST. */
  body?: string;
}

export interface TrackerAnswer {
  status: number;
  /** The answer parsed as JSON; null when it was not JSON. */
  json: unknown;
}

export interface TrackerHttp {
  /** Throws DeliveryFailed on a refused address, a network failure or a timeout only. */
  send(request: TrackerRequest): Promise<TrackerAnswer>;
  close(): void;
}

const ANSWER_LIMIT = 1024 * 1024;

export function createTrackerHttp(options: {
  allow: AllowList;
  timeoutMs?: number;
  resolve?: Resolve;
}): TrackerHttp {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const resolve = options.resolve ?? resolveWithDns;
  const lookup = checkedLookup(options.allow, resolve);
  const agents = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true }),
  };

  function exchange(target: URL, request: TrackerRequest): Promise<TrackerAnswer> {
    const protocol = target.protocol === 'https:' ? 'https:' : 'http:';
    const client = protocol === 'https:' ? https : http;
    const body = request.body ?? '';
    return new Promise((settle, fail) => {
      const outgoing = client.request(
        target,
        {
          method: request.method,
          agent: agents[protocol],
          lookup,
          signal: AbortSignal.timeout(timeoutMs),
          headers: {
            'user-agent': 'Stopline-Trackers/1',
            ...(request.body === undefined
              ? {}
              : {
                  'content-type': 'application/json',
                  'content-length': String(Buffer.byteLength(body)),
                }),
            ...request.headers,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          let seen = 0;
          response.on('data', (chunk: Buffer) => {
            seen += chunk.length;
            if (seen > ANSWER_LIMIT) {
              response.destroy();
              fail(new DeliveryFailed('the tracker answered more than 1 MB'));
            } else chunks.push(chunk);
          });
          response.on('error', fail);
          response.on('end', () => {
            let json: unknown = null;
            try {
              json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              json = null;
            }
            settle({ status: response.statusCode ?? 0, json });
          });
        },
      );
      outgoing.on('error', fail);
      outgoing.end(request.body === undefined ? undefined : body);
    });
  }

  return {
    async send(request) {
      try {
        const target = new URL(request.url);
        if (target.protocol !== 'http:' && target.protocol !== 'https:') {
          throw new DeliveryFailed('the tracker URL is not http or https');
        }
        const literal = ipLiteral(target.hostname);
        if (literal) await resolveChecked(literal, options.allow, resolve);
        return await exchange(target, request);
      } catch (error) {
        throw describeFailure(error, timeoutMs);
      }
    },
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
