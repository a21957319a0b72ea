// The status page's history as Atom and RSS feeds (/status/history.atom, /status/history.rss):
// one entry per public incident, newest first, with every update. Built with the `feed` library
// from what the public may read. Names are escaped before they go out as HTML (feed readers take
// entry titles as HTML), and update bodies are the same safe Markdown rendering as the page.
// Fixed words and dates are in the page's language (the message catalogue).
// The feed was last updated when its newest incident was; with no incident yet, when the page
// last changed (or came into being), never 1970.
import { Feed } from 'feed';
import type { PublicIncident } from '../../domain/status/index.ts';
import { formatStatusTime, statusMessages } from '../../../shared/domain/status-messages.ts';
import { escapeHtml, markup } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import { incidentHref, type StatusSite } from './status-pages.ts';

export function historyFeed(
  site: StatusSite,
  baseUrl: string,
  incidents: readonly PublicIncident[],
  pageUpdatedAt: number,
): Feed {
  const m = statusMessages(site.language);
  const home = new URL('/status', baseUrl).href;
  const updated =
    incidents.length === 0 ? pageUpdatedAt : Math.max(...incidents.map((i) => i.updatedAt));
  const feed = new Feed({
    id: home,
    title: m.feed.title(site.name),
    link: home,
    language: site.language,
    updated: new Date(updated),
    generator: 'Stopline',
    copyright: '',
    feedLinks: {
      atom: new URL('/status/history.atom', baseUrl).href,
      rss: new URL('/status/history.rss', baseUrl).href,
    },
  });
  for (const incident of incidents) {
    const link = new URL(incidentHref(incident.id), baseUrl).href;
    const updates = [...incident.updates].reverse();
    const content = updates.map(
      (u) =>
        markup`<p><strong>${m.incidentStatus[u.status]}</strong> · ${formatStatusTime(u.displayAt, m)}</p>
          ${renderMarkdown(u.body)}`,
    );
    feed.addItem({
      title: escapeHtml(incident.name),
      id: link,
      link,
      date: new Date(incident.updatedAt),
      published: new Date(incident.startedAt),
      content: markup`${content}`.value,
    });
  }
  return feed;
}
