// Outbound alerts for teams that already page with PagerDuty or Opsgenie: a page or the line
// stopping triggers an alert there, acknowledging the page in Stopline acknowledges it, and the
// incident reaching its resolved phase resolves it, each under the same key (PagerDuty's
// dedup_key, Opsgenie's alias), so the alert follows Stopline's own state.
// PagerDuty Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/):
// POST the endpoint URL (https://events.pagerduty.com/v2/enqueue) with routing_key, event_action,
// dedup_key and, to trigger, payload {summary, source, severity}. Opsgenie Alert API
// (https://docs.opsgenie.com/docs/alert-api): POST {base}/v2/alerts {message, alias, …} to create,
// POST {base}/v2/alerts/{alias}/acknowledge|close?identifierType=alias, with `Authorization:
// GenieKey <key>`.
import type { AlertEvent } from '../domain/notifications/index.ts';
import { cut, oneLine } from './personal-text.ts';

export type PagingService = 'pagerduty' | 'opsgenie';

/** PagerDuty's summary holds 1,024 characters; Opsgenie's message 130, its alias 512. */
const PD_SUMMARY = 1024;
const OG_MESSAGE = 130;

export function pagingRequest(
  service: PagingService,
  url: string,
  key: string,
  event: AlertEvent,
): { url: string; body: string; headers: Record<string, string> } {
  const summary = oneLine(event.summary);
  if (service === 'pagerduty') {
    const body = {
      routing_key: key,
      event_action: event.action,
      dedup_key: event.key,
      ...(event.action === 'trigger'
        ? {
            payload: {
              summary: cut(summary, PD_SUMMARY),
              source: new URL(event.link).host,
              severity: 'critical',
              component: 'Stopline',
            },
            client: 'Stopline',
            client_url: event.link,
            links: [{ href: event.link, text: 'Open in Stopline' }],
          }
        : {}),
    };
    return {
      url,
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    };
  }
  const base = `${url.replace(/\/+$/, '')}/v2/alerts`;
  const headers = { 'content-type': 'application/json', authorization: `GenieKey ${key}` };
  if (event.action === 'trigger') {
    const body = {
      message: cut(summary, OG_MESSAGE),
      alias: event.key,
      description: `${summary}\n\n${event.link}`,
      source: 'Stopline',
      priority: 'P1',
      details: { url: event.link },
    };
    return { url: base, body: JSON.stringify(body), headers };
  }
  const verb = event.action === 'acknowledge' ? 'acknowledge' : 'close';
  const note = event.action === 'acknowledge' ? 'Acknowledged in Stopline' : 'Resolved in Stopline';
  return {
    url: `${base}/${encodeURIComponent(event.key)}/${verb}?identifierType=alias`,
    body: JSON.stringify({ source: 'Stopline', note }),
    headers,
  };
}
