// The public status page, server-rendered, no script: the overall status, the components (a group
// with its components; one flagged "only show if degraded" only while it is not operational), the
// incidents still going on with their latest update, and the recent ones; and one page per
// incident with every update. Update bodies are Markdown rendered with raw HTML off and links made
// safe (markdown.ts); every other text is escaped. Built only from what the public may read.
import type {
  PublicIncident,
  PublicMaintenance,
  PublicPage,
  ShownComponent,
} from '../../domain/status/index.ts';
import type { ComponentStatus, StatusLanguage } from '../../../shared/domain/status.ts';
import type { ComponentDay } from '../../domain/status/index.ts';
import { markup, type SafeHtml } from './html.ts';
import { page } from './layout.ts';
import { renderMarkdown } from './markdown.ts';
import {
  formatStatusTime,
  statusMessages,
  type StatusMessages,
} from '../../../shared/domain/status-messages.ts';

/** The page's name and language (STOPLINE_STATUS_PAGE_NAME, STOPLINE_STATUS_LANGUAGE). */
export interface StatusSite {
  name: string;
  language: StatusLanguage;
}

/** A time in the page's language (Intl), with its machine-readable form. */
function timeIn(ms: number, m: StatusMessages): SafeHtml {
  return markup`<time datetime="${new Date(ms).toISOString()}">${formatStatusTime(ms, m)}</time>`;
}

/** A page of the status site: its language on <html> and in the skip link. */
export const pageOf = (site: StatusSite, title: string, body: SafeHtml, m: StatusMessages) =>
  page({ title, site: site.name, nav: false, lang: site.language, skipLink: m.skipLink }, body);

/** An error on the status site, in its language, leading back to the status page. */
export function statusErrorPage(site: StatusSite, status: number, requestId: string): string {
  const m = statusMessages(site.language);
  const e = m.errors;
  const [title, detail] =
    status === 400
      ? e.unreadable
      : status === 404
        ? e.notFound
        : status === 422
          ? e.refused
          : status === 429
            ? e.tooMany
            : e.failed;
  return pageOf(
    site,
    `${status} ${title}`,
    markup`<h1>${title}</h1>
      <div class="error-summary" role="alert"><p>${detail}</p></div>
      <p>${e.reference[0]}<code>${requestId}</code>${e.reference[1]}</p>
      <p><a href="/status">${e.back}</a></p>`,
    m,
  );
}

export const incidentHref = (id: string) => `/status/incidents/${encodeURIComponent(id)}`;
export const maintenanceHref = (id: string) => `/status/maintenance/${encodeURIComponent(id)}`;

function maintenanceWindow(m: PublicMaintenance, t: StatusMessages): SafeHtml {
  return markup`${timeIn(m.scheduledFor, t)} ${t.windowTo} ${timeIn(m.scheduledUntil, t)}`;
}

/** Its status in words: a maintenance called off before it began is "Cancelled". */
const maintenanceStatusWords = (m: PublicMaintenance, t: StatusMessages) =>
  t.maintenanceStatus[m.cancelledAt === null ? m.status : 'cancelled'];

function maintenanceSummary(
  m: PublicMaintenance,
  components: readonly ShownComponent[],
  t: StatusMessages,
): SafeHtml {
  const last = m.updates[m.updates.length - 1];
  const names = components.filter((c) => m.componentIds.includes(c.id)).map((c) => c.name);
  return markup`<article class="incident maintenance maintenance-${m.status}">
    <h3><a href="${maintenanceHref(m.id)}">${m.name}</a></h3>
    <p class="hint">
      ${maintenanceStatusWords(m, t)} · ${maintenanceWindow(m, t)}
      ${names.length ? markup` · ${names.join(', ')}` : ''}
    </p>
    ${last ? renderMarkdown(last.body) : ''}
  </article>`;
}

function statusBadge(status: ComponentStatus, t: StatusMessages): SafeHtml {
  return markup`<span class="badge badge-${status}">${t.componentStatus[status]}</span>`;
}

const shownOnPage = (c: ShownComponent) => !c.onlyShowIfDegraded || c.shownStatus !== 'operational';

export const historyHref = (month: string) => `/status/history?month=${encodeURIComponent(month)}`;

/** A day's words: the date, its worst status, and what caused it. */
function dayWords(d: ComponentDay, t: StatusMessages): string {
  const causes = d.events.map((e) =>
    e.kind === 'maintenance' ? `${t.maintenancePrefix}: ${e.name}` : e.name,
  );
  return `${d.day}: ${t.componentStatus[d.status]}${causes.length ? `. ${causes.join('; ')}` : ''}`;
}

/**
 * The 90-day bar: one mark per UTC day in the colour of its worst status. A day with something
 * on it is a link to its month's history, whose words show on hover and focus (CSS only); every
 * day's words are in the bar for screen readers, and the days with something are listed below it.
 */
function dayBar(
  c: ShownComponent,
  days: readonly ComponentDay[] | undefined,
  t: StatusMessages,
): SafeHtml | '' {
  if (!days?.length) return '';
  const busy = days.filter((d) => d.events.length > 0);
  return markup`<ol class="days" aria-label="${c.name}: ${t.lastDays(days.length)}">
      ${days.map((d) =>
        d.events.length
          ? markup`<li class="day day-${d.status}">
              <a href="${historyHref(d.day.slice(0, 7))}#day-${d.day}"><span class="day-tip">${dayWords(d, t)}</span></a>
            </li>`
          : markup`<li class="day day-${d.status}"><span class="day-tip">${dayWords(d, t)}</span></li>`,
      )}
    </ol>
    ${
      busy.length
        ? markup`<details class="days-text">
            <summary>${t.daysWithEvents(busy.length)}</summary>
            <ul>
              ${busy.map((d) => markup`<li>${dayWords(d, t)}</li>`)}
            </ul>
          </details>`
        : markup`<p class="hint">${t.quietDays(days.length)}</p>`
    }`;
}

function componentItem(
  c: ShownComponent,
  all: readonly ShownComponent[],
  bars: ReadonlyMap<string, ComponentDay[]>,
  t: StatusMessages,
): SafeHtml {
  const members = all.filter((m) => m.groupId === c.id && shownOnPage(m));
  return markup`<li>
    <div class="component">
      <span class="component-name">${c.name}</span> ${statusBadge(c.shownStatus, t)}
    </div>
    ${c.description ? markup`<p class="hint">${c.description}</p>` : ''}
    ${dayBar(c, bars.get(c.id), t)}
    ${
      members.length
        ? markup`<ul class="components" aria-label="${c.name}">
            ${members.map((m) => componentItem(m, all, bars, t))}
          </ul>`
        : ''
    }
  </li>`;
}

function latestUpdate(incident: PublicIncident, t: StatusMessages): SafeHtml {
  const last = incident.updates[incident.updates.length - 1];
  if (!last) return markup``;
  return markup`<p>
      <strong>${t.incidentStatus[last.status]}</strong> · ${timeIn(last.displayAt, t)}
    </p>
    ${renderMarkdown(last.body)}`;
}

function incidentSummary(
  incident: PublicIncident,
  headingLevel: 'h3' | 'h2',
  t: StatusMessages,
): SafeHtml {
  const heading = markup`<a href="${incidentHref(incident.id)}">${incident.name}</a>`;
  return markup`<article class="incident impact-${incident.impact}">
    ${headingLevel === 'h2' ? markup`<h2>${heading}</h2>` : markup`<h3>${heading}</h3>`}
    <p class="hint">${t.impactLabel}: ${t.impact[incident.impact]}</p>
    ${latestUpdate(incident, t)}
  </article>`;
}

export function statusPage(
  site: StatusSite,
  view: PublicPage,
  recent: readonly PublicIncident[],
  bars: ReadonlyMap<string, ComponentDay[]> = new Map(),
  month?: string,
): string {
  const top = view.components.filter((c) => c.groupId === null && shownOnPage(c));
  const past = recent.filter((i) => !view.unresolved.some((u) => u.id === i.id));
  const t = statusMessages(site.language);
  const name = site.name;
  const overall =
    view.overall.description === statusMessages('en').overall.maintenance
      ? t.overall.maintenance
      : t.overall[view.overall.indicator];
  return page(
    { title: name, site: t.site, nav: false, lang: site.language, skipLink: t.skipLink },
    markup`<h1>${name}</h1>
      <p class="overall overall-${view.overall.indicator}" role="status">
        <strong>${overall}</strong>
      </p>
      <p class="hint">${t.updated} ${timeIn(view.updatedAt, t)}</p>
      ${
        view.unresolved.length
          ? markup`<section aria-labelledby="active-title">
              <h2 id="active-title">${t.activeIncidents}</h2>
              ${view.unresolved.map((i) => incidentSummary(i, 'h3', t))}
            </section>`
          : ''
      }
      ${
        view.maintenances.length
          ? markup`<section aria-labelledby="maintenance-title">
              <h2 id="maintenance-title">${t.scheduledMaintenance}</h2>
              ${view.maintenances.map((m) => maintenanceSummary(m, view.components, t))}
            </section>`
          : ''
      }
      <section aria-labelledby="components-title">
        <h2 id="components-title">${t.components}</h2>
        ${
          top.length
            ? markup`<ul class="components">
                ${top.map((c) => componentItem(c, view.components, bars, t))}
              </ul>`
            : markup`<p>${t.noComponents}</p>`
        }
      </section>
      <section aria-labelledby="past-title">
        <h2 id="past-title">${t.pastIncidents}</h2>
        ${
          past.length
            ? markup`<ul class="timeline">
                ${past.map(
                  (i) =>
                    markup`<li>
                      <a href="${incidentHref(i.id)}">${i.name}</a>
                      <span class="hint">
                        · ${t.incidentStatus[i.status]} · ${timeIn(i.startedAt, t)}
                      </span>
                    </li>`,
                )}
              </ul>`
            : markup`<p>${t.noIncidents}</p>`
        }
      </section>
      ${month ? markup`<p><a href="${historyHref(month)}">${t.historyByMonth}</a></p>` : ''}
      <p>
        ${t.follow}: <a href="/status/subscribe">${t.byEmail}</a> ·
        <a href="/status/history.atom">${t.atomFeed}</a> ·
        <a href="/status/history.rss">${t.rssFeed}</a> ·
        <a href="/api/v2/summary.json">${t.asJson}</a>
      </p>`,
  );
}

export function incidentPage(
  site: StatusSite,
  incident: PublicIncident,
  components: readonly ShownComponent[],
): string {
  const affected = components.filter((c) =>
    incident.components.some((a) => a.componentId === c.id),
  );
  const updates = [...incident.updates].reverse();
  const t = statusMessages(site.language);
  return pageOf(
    site,
    incident.name,
    markup`<p><a href="/status">${site.name}</a></p>
      <h1>${incident.name}</h1>
      <dl class="dates">
        <dt>${t.statusLabel}</dt>
        <dd>${t.incidentStatus[incident.status]}</dd>
        <dt>${t.impactLabel}</dt>
        <dd>${t.impact[incident.impact]}</dd>
        <dt>${t.began}</dt>
        <dd>${timeIn(incident.startedAt, t)}</dd>
        ${
          incident.resolvedAt !== null
            ? markup`<dt>${t.resolved}</dt>
                <dd>${timeIn(incident.resolvedAt, t)}</dd>`
            : ''
        }
      </dl>
      ${componentSection(t.affectedComponents, affected)}
      <h2>${t.updates}</h2>
      <ol class="timeline" reversed>
        ${updates.map(
          (u) =>
            markup`<li>
              ${updateHead(t.incidentStatus[u.status], u, t)}
              ${
                u.affectedComponents.length
                  ? markup`<ul class="hint">
                      ${u.affectedComponents.map(
                        (a) =>
                          markup`<li>
                            ${a.name}: ${t.componentStatus[a.oldStatus]} →
                            ${t.componentStatus[a.newStatus]}
                          </li>`,
                      )}
                    </ul>`
                  : ''
              }
            </li>`,
        )}
      </ol>`,
    t,
  );
}

/** The components an incident or a maintenance names, under a heading; nothing when none. */
function componentSection(heading: string, shown: readonly ShownComponent[]): SafeHtml | '' {
  return shown.length
    ? markup`<h2>${heading}</h2>
        <ul>
          ${shown.map((c) => markup`<li>${c.name}</li>`)}
        </ul>`
    : '';
}

/** One published update on a timeline: its status in words, when it is shown as written, its text. */
function updateHead(
  status: string,
  u: { displayAt: number; body: string },
  t: StatusMessages,
): SafeHtml {
  return markup`<h3>${status}</h3>
    <p class="hint">${timeIn(u.displayAt, t)}</p>
    ${renderMarkdown(u.body)}`;
}

export function maintenancePage(
  site: StatusSite,
  m: PublicMaintenance,
  components: readonly ShownComponent[],
): string {
  const affected = components.filter((c) => m.componentIds.includes(c.id));
  const updates = [...m.updates].reverse();
  const t = statusMessages(site.language);
  return pageOf(
    site,
    m.name,
    markup`<p><a href="/status">${site.name}</a></p>
      <h1>${m.name}</h1>
      <dl class="dates">
        <dt>${t.statusLabel}</dt>
        <dd>${maintenanceStatusWords(m, t)}</dd>
        <dt>${t.scheduledFor}</dt>
        <dd>${timeIn(m.scheduledFor, t)}</dd>
        <dt>${t.until}</dt>
        <dd>${timeIn(m.scheduledUntil, t)}</dd>
      </dl>
      ${componentSection(t.componentsUnderMaintenance, affected)}
      <h2>${t.updates}</h2>
      <ol class="timeline" reversed>
        ${updates.map(
          (u) =>
            markup`<li>
              ${updateHead(
                t.maintenanceStatus[
                  m.cancelledAt !== null && u.createdAt === m.cancelledAt ? 'cancelled' : u.status
                ],
                u,
                t,
              )}
            </li>`,
        )}
      </ol>`,
    t,
  );
}

/** The incidents that began in one UTC month, newest first, with links to the months around it. */
export function historyPage(
  site: StatusSite,
  month: string,
  incidents: readonly PublicIncident[],
  newer: string | null,
  older: string,
): string {
  const t = statusMessages(site.language);
  const title = t.historyTitle(month);
  const days = new Map<string, PublicIncident[]>();
  for (const i of incidents) {
    const day = new Date(i.startedAt).toISOString().slice(0, 10);
    days.set(day, [...(days.get(day) ?? []), i]);
  }
  return pageOf(
    site,
    title,
    markup`<p><a href="/status">${site.name}</a></p>
      <h1>${title}</h1>
      ${
        days.size
          ? [...days].map(
              ([day, list]) => markup`<section aria-labelledby="day-${day}">
                <h2 id="day-${day}">${day}</h2>
                ${list.map((i) => incidentSummary(i, 'h3', t))}
              </section>`,
            )
          : markup`<p>${t.noIncidentsIn(month)}</p>`
      }
      <nav aria-label="${t.months}">
        <ul class="pager">
          <li><a href="${historyHref(older)}" rel="prev">${t.older}: ${older}</a></li>
          ${newer ? markup`<li><a href="${historyHref(newer)}" rel="next">${t.newer}: ${newer}</a></li>` : ''}
        </ul>
      </nav>`,
    t,
  );
}
