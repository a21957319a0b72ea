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
import {
  COMPONENT_STATUS_WORDS,
  IMPACT_WORDS,
  INCIDENT_STATUS_WORDS,
  MAINTENANCE_STATUS_WORDS,
  type ComponentStatus,
} from '../../../shared/domain/status.ts';
import type { ComponentDay } from '../../domain/status/index.ts';
import { markup, timeElement, type SafeHtml } from './html.ts';
import { page } from './layout.ts';
import { renderMarkdown } from './markdown.ts';

export const incidentHref = (id: string) => `/status/incidents/${encodeURIComponent(id)}`;
export const maintenanceHref = (id: string) => `/status/maintenance/${encodeURIComponent(id)}`;

function maintenanceWindow(m: PublicMaintenance): SafeHtml {
  return markup`${timeElement(m.scheduledFor)} to ${timeElement(m.scheduledUntil)}`;
}

/** Its status in words: a maintenance called off before it began is "Cancelled". */
const maintenanceStatusWords = (m: PublicMaintenance) =>
  m.cancelledAt === null ? MAINTENANCE_STATUS_WORDS[m.status] : 'Cancelled';

function maintenanceSummary(m: PublicMaintenance, components: readonly ShownComponent[]): SafeHtml {
  const last = m.updates[m.updates.length - 1];
  const names = components.filter((c) => m.componentIds.includes(c.id)).map((c) => c.name);
  return markup`<article class="incident maintenance maintenance-${m.status}">
    <h3><a href="${maintenanceHref(m.id)}">${m.name}</a></h3>
    <p class="hint">
      ${maintenanceStatusWords(m)} · ${maintenanceWindow(m)}
      ${names.length ? markup` · ${names.join(', ')}` : ''}
    </p>
    ${last ? renderMarkdown(last.body) : ''}
  </article>`;
}

function statusBadge(status: ComponentStatus): SafeHtml {
  return markup`<span class="badge badge-${status}">${COMPONENT_STATUS_WORDS[status]}</span>`;
}

const shownOnPage = (c: ShownComponent) => !c.onlyShowIfDegraded || c.shownStatus !== 'operational';

export const historyHref = (month: string) => `/status/history?month=${encodeURIComponent(month)}`;

/** A day's words: the date, its worst status, and what caused it. */
function dayWords(d: ComponentDay): string {
  const causes = d.events.map((e) =>
    e.kind === 'maintenance' ? `Maintenance: ${e.name}` : e.name,
  );
  return `${d.day}: ${COMPONENT_STATUS_WORDS[d.status]}${causes.length ? `. ${causes.join('; ')}` : ''}`;
}

/**
 * The 90-day bar: one mark per UTC day in the colour of its worst status. A day with something
 * on it is a link to its month's history, whose words show on hover and focus (CSS only); every
 * day's words are in the bar for screen readers, and the days with something are listed below it.
 */
function dayBar(c: ShownComponent, days: readonly ComponentDay[] | undefined): SafeHtml | '' {
  if (!days?.length) return '';
  const busy = days.filter((d) => d.events.length > 0);
  return markup`<ol class="days" aria-label="${c.name}: the last ${days.length} days">
      ${days.map((d) =>
        d.events.length
          ? markup`<li class="day day-${d.status}">
              <a href="${historyHref(d.day.slice(0, 7))}#day-${d.day}"><span class="day-tip">${dayWords(d)}</span></a>
            </li>`
          : markup`<li class="day day-${d.status}"><span class="day-tip">${dayWords(d)}</span></li>`,
      )}
    </ol>
    ${
      busy.length
        ? markup`<details class="days-text">
            <summary>${busy.length === 1 ? '1 day' : `${busy.length} days`} with incidents or maintenance</summary>
            <ul>
              ${busy.map((d) => markup`<li>${dayWords(d)}</li>`)}
            </ul>
          </details>`
        : markup`<p class="hint">No incidents in the last ${days.length} days.</p>`
    }`;
}

function componentItem(
  c: ShownComponent,
  all: readonly ShownComponent[],
  bars: ReadonlyMap<string, ComponentDay[]>,
): SafeHtml {
  const members = all.filter((m) => m.groupId === c.id && shownOnPage(m));
  return markup`<li>
    <div class="component">
      <span class="component-name">${c.name}</span> ${statusBadge(c.shownStatus)}
    </div>
    ${c.description ? markup`<p class="hint">${c.description}</p>` : ''}
    ${dayBar(c, bars.get(c.id))}
    ${
      members.length
        ? markup`<ul class="components" aria-label="${c.name}">
            ${members.map((m) => componentItem(m, all, bars))}
          </ul>`
        : ''
    }
  </li>`;
}

function latestUpdate(incident: PublicIncident): SafeHtml {
  const last = incident.updates[incident.updates.length - 1];
  if (!last) return markup``;
  return markup`<p>
      <strong>${INCIDENT_STATUS_WORDS[last.status]}</strong> · ${timeElement(last.displayAt)}
    </p>
    ${renderMarkdown(last.body)}`;
}

function incidentSummary(incident: PublicIncident, headingLevel: 'h3' | 'h2'): SafeHtml {
  const heading = markup`<a href="${incidentHref(incident.id)}">${incident.name}</a>`;
  return markup`<article class="incident impact-${incident.impact}">
    ${headingLevel === 'h2' ? markup`<h2>${heading}</h2>` : markup`<h3>${heading}</h3>`}
    <p class="hint">Impact: ${IMPACT_WORDS[incident.impact]}</p>
    ${latestUpdate(incident)}
  </article>`;
}

export function statusPage(
  name: string,
  view: PublicPage,
  recent: readonly PublicIncident[],
  bars: ReadonlyMap<string, ComponentDay[]> = new Map(),
  month?: string,
): string {
  const top = view.components.filter((c) => c.groupId === null && shownOnPage(c));
  const past = recent.filter((i) => !view.unresolved.some((u) => u.id === i.id));
  return page(
    { title: name, site: 'Status', nav: false },
    markup`<h1>${name}</h1>
      <p class="overall overall-${view.overall.indicator}" role="status">
        <strong>${view.overall.description}</strong>
      </p>
      <p class="hint">Updated ${timeElement(view.updatedAt)}</p>
      ${
        view.unresolved.length
          ? markup`<section aria-labelledby="active-title">
              <h2 id="active-title">Active incidents</h2>
              ${view.unresolved.map((i) => incidentSummary(i, 'h3'))}
            </section>`
          : ''
      }
      ${
        view.maintenances.length
          ? markup`<section aria-labelledby="maintenance-title">
              <h2 id="maintenance-title">Scheduled maintenance</h2>
              ${view.maintenances.map((m) => maintenanceSummary(m, view.components))}
            </section>`
          : ''
      }
      <section aria-labelledby="components-title">
        <h2 id="components-title">Components</h2>
        ${
          top.length
            ? markup`<ul class="components">
                ${top.map((c) => componentItem(c, view.components, bars))}
              </ul>`
            : markup`<p>No components are listed yet.</p>`
        }
      </section>
      <section aria-labelledby="past-title">
        <h2 id="past-title">Past incidents</h2>
        ${
          past.length
            ? markup`<ul class="timeline">
                ${past.map(
                  (i) =>
                    markup`<li>
                      <a href="${incidentHref(i.id)}">${i.name}</a>
                      <span class="hint">
                        · ${INCIDENT_STATUS_WORDS[i.status]} · ${timeElement(i.startedAt)}
                      </span>
                    </li>`,
                )}
              </ul>`
            : markup`<p>No incidents reported.</p>`
        }
      </section>
      ${month ? markup`<p><a href="${historyHref(month)}">Incident history by month</a></p>` : ''}
      <p>
        Follow: <a href="/status/subscribe">by e-mail</a> ·
        <a href="/status/history.atom">Atom feed</a> ·
        <a href="/status/history.rss">RSS feed</a> ·
        <a href="/api/v2/summary.json">this page as JSON</a>
      </p>`,
  );
}

export function incidentPage(
  name: string,
  incident: PublicIncident,
  components: readonly ShownComponent[],
): string {
  const affected = components.filter((c) =>
    incident.components.some((a) => a.componentId === c.id),
  );
  const updates = [...incident.updates].reverse();
  return page(
    { title: incident.name, site: name, nav: false },
    markup`<p><a href="/status">${name}</a></p>
      <h1>${incident.name}</h1>
      <dl class="dates">
        <dt>Status</dt>
        <dd>${INCIDENT_STATUS_WORDS[incident.status]}</dd>
        <dt>Impact</dt>
        <dd>${IMPACT_WORDS[incident.impact]}</dd>
        <dt>Began</dt>
        <dd>${timeElement(incident.startedAt)}</dd>
        ${
          incident.resolvedAt !== null
            ? markup`<dt>Resolved</dt>
                <dd>${timeElement(incident.resolvedAt)}</dd>`
            : ''
        }
      </dl>
      ${componentSection('Affected components', affected)}
      <h2>Updates</h2>
      <ol class="timeline" reversed>
        ${updates.map(
          (u) =>
            markup`<li>
              ${updateHead(INCIDENT_STATUS_WORDS[u.status], u)}
              ${
                u.affectedComponents.length
                  ? markup`<ul class="hint">
                      ${u.affectedComponents.map(
                        (a) =>
                          markup`<li>
                            ${a.name}: ${COMPONENT_STATUS_WORDS[a.oldStatus]} →
                            ${COMPONENT_STATUS_WORDS[a.newStatus]}
                          </li>`,
                      )}
                    </ul>`
                  : ''
              }
            </li>`,
        )}
      </ol>`,
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
function updateHead(status: string, u: { displayAt: number; body: string }): SafeHtml {
  return markup`<h3>${status}</h3>
    <p class="hint">${timeElement(u.displayAt)}</p>
    ${renderMarkdown(u.body)}`;
}

export function maintenancePage(
  name: string,
  m: PublicMaintenance,
  components: readonly ShownComponent[],
): string {
  const affected = components.filter((c) => m.componentIds.includes(c.id));
  const updates = [...m.updates].reverse();
  return page(
    { title: m.name, site: name, nav: false },
    markup`<p><a href="/status">${name}</a></p>
      <h1>${m.name}</h1>
      <dl class="dates">
        <dt>Status</dt>
        <dd>${maintenanceStatusWords(m)}</dd>
        <dt>Scheduled for</dt>
        <dd>${timeElement(m.scheduledFor)}</dd>
        <dt>Until</dt>
        <dd>${timeElement(m.scheduledUntil)}</dd>
      </dl>
      ${componentSection('Components under maintenance', affected)}
      <h2>Updates</h2>
      <ol class="timeline" reversed>
        ${updates.map(
          (u) =>
            markup`<li>
              ${updateHead(
                m.cancelledAt !== null && u.createdAt === m.cancelledAt
                  ? 'Cancelled'
                  : MAINTENANCE_STATUS_WORDS[u.status],
                u,
              )}
            </li>`,
        )}
      </ol>`,
  );
}

/** The incidents that began in one UTC month, newest first, with links to the months around it. */
export function historyPage(
  name: string,
  month: string,
  incidents: readonly PublicIncident[],
  newer: string | null,
  older: string,
): string {
  const title = `Incident history, ${month}`;
  const days = new Map<string, PublicIncident[]>();
  for (const i of incidents) {
    const day = new Date(i.startedAt).toISOString().slice(0, 10);
    days.set(day, [...(days.get(day) ?? []), i]);
  }
  return page(
    { title, site: name, nav: false },
    markup`<p><a href="/status">${name}</a></p>
      <h1>${title}</h1>
      ${
        days.size
          ? [...days].map(
              ([day, list]) => markup`<section aria-labelledby="day-${day}">
                <h2 id="day-${day}">${day}</h2>
                ${list.map((i) => incidentSummary(i, 'h3'))}
              </section>`,
            )
          : markup`<p>No incidents reported in ${month}.</p>`
      }
      <nav aria-label="Months">
        <ul class="pager">
          <li><a href="${historyHref(older)}" rel="prev">Older: ${older}</a></li>
          ${newer ? markup`<li><a href="${historyHref(newer)}" rel="next">Newer: ${newer}</a></li>` : ''}
        </ul>
      </nav>`,
  );
}
