// A push to a person's ntfy topic, per ntfy's publish API (https://docs.ntfy.sh/publish/): a POST
// of the message as plain text to the topic URL, with the title, priority, tags, the page to open
// (Click) and, for a page, an "Acknowledge" button (Actions) as headers; the topic's access token
// as a bearer token. Header values are built here from text others wrote (titles): every control
// character becomes a space, so no line break can end a header and start another, and anything
// beyond ASCII travels as an RFC 2047 encoded word, which ntfy decodes.
import type { PersonalNotice } from '../domain/notifications/index.ts';
import { cut, oneLine } from './personal-text.ts';

/** ntfy keeps messages up to 4096 bytes as text; longer ones become attachments. */
const MESSAGE_CHARS = 3800;
const TITLE_CHARS = 200;

/** A header value: ASCII as it is, anything else as an RFC 2047 encoded word (UTF-8, base64). */
export function headerText(text: string, max = TITLE_CHARS): string {
  const line = cut(oneLine(text), max);
  if (/^[\x20-\x7e]*$/.test(line)) return line;
  return `=?UTF-8?B?${Buffer.from(line, 'utf8').toString('base64')}?=`;
}

/** A link in a header: only an http(s) URL, written as the URL parser normalises it (no spaces,
 * commas or semicolons, which separate ntfy's action fields). */
function headerUrl(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
    return parsed.href.replace(/[,;\s]/g, (c) => encodeURIComponent(c));
  } catch {
    return null;
  }
}

export function ntfyRequest(
  push: PersonalNotice,
  token: string | null,
): { body: string; headers: Record<string, string> } {
  const headers: Record<string, string> = {
    'content-type': 'text/plain; charset=utf-8',
    title: headerText(push.title),
    priority: push.urgent ? 'urgent' : 'default',
    tags: push.urgent ? 'rotating_light' : 'bell',
  };
  const open = push.links && headerUrl(push.links.open);
  if (open) headers.click = open;
  const ack = push.links?.acknowledge && headerUrl(push.links.acknowledge);
  if (ack) headers.actions = `view, Acknowledge, ${ack}, clear=true`;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const message = cut(push.message, MESSAGE_CHARS);
  return { body: message, headers };
}
