// The offline copy as one self-contained HTML page: no script, no outside resource, the CSS
// inline, every piece of text escaped (names, titles and policy text are untrusted), and a
// Content-Security-Policy that lets nothing run even if markup slipped in. Times are UTC.
import { escapeHtml } from '../html-escape.ts';
import { formatDuration, describePolicy, describeRegimes } from '../policy/index.ts';
import type { ActiveUser } from '../accounts/index.ts';
import type { ScheduleOverview } from '../oncall/index.ts';
import type { Policy } from '../policy/index.ts';

/** An open incident as the copy lists it: real (not an exercise) and not restricted. */
export interface OpenIncidentLine {
  key: string;
  title: string;
  severity: string | null;
  phase: string;
  ownerId: string | null;
  restricted: boolean;
  exercise: boolean;
}

/** What the copy holds, gathered at one moment. */
export interface OfflineCopyContent {
  policy: Policy;
  schedules: ScheduleOverview[];
  staff: ActiveUser[];
  incidents: OpenIncidentLine[];
}

/** The marker the "generated at" stamp replaces (after the content is hashed for the ETag). */
export const GENERATED_AT_MARK = '<!--generated-at-->';

/** Text as HTML text or a quoted attribute value. */
const h = escapeHtml;

const utc = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/:\d{2}\.\d{3}Z$/, ' UTC');

const CSS = `
:root { color-scheme: light; }
body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem;
  color: #1a1a1a; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; border-bottom: 2px solid #1a1a1a; }
h3 { font-size: 1.1rem; margin: 1.25rem 0 .25rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { border: 1px solid #767676; padding: .25rem .5rem; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
th { background: #f0f0f0; }
.note { color: #444; }
.warn { border: 2px solid #8a1c1c; padding: .5rem .75rem; }
ol.steps li { margin: .25rem 0; }
.box { display: inline-block; width: .9em; height: .9em; border: 1px solid #1a1a1a;
  margin-right: .4em; vertical-align: -.1em; }
@media print { h2 { break-after: avoid; } section { break-inside: avoid-page; } }
`;

function contactsOf(person: ActiveUser): string {
  const lines = [
    `email: ${h(person.email)}`,
    ...person.contacts.map((c) => `${h(c.kind)}: ${h(c.value)}`),
  ];
  return lines.join('<br>');
}

function personRow(person: ActiveUser | undefined, id: string, extra: string[] = []): string {
  const name = person ? h(person.displayName) : `a former member (${h(id)})`;
  const cells = [name, ...extra, person ? contactsOf(person) : 'no longer active'];
  return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
}

function peopleTable(head: string[], rows: string[], empty: string): string {
  if (rows.length === 0) return `<p>${h(empty)}</p>`;
  return `<table><thead><tr>${head.map((c) => `<th scope="col">${h(c)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function scheduleSection(
  o: ScheduleOverview,
  byId: ReadonlyMap<string, ActiveUser>,
  policyMeans: boolean,
): string {
  const shifts = [...(o.now ? [o.now] : []), ...o.next];
  const rows = shifts.map((s, i) =>
    personRow(byId.get(s.userId), s.userId, [
      i === 0 && o.now ? 'on call now' : 'next',
      `${h(utc(s.from))} to ${h(utc(s.to))}${s.source === 'override' ? ' (override)' : ''}`,
    ]),
  );
  return (
    `<h3>${h(o.schedule.name)}${policyMeans ? ' (the schedule the policy’s on_call means)' : ''}</h3>` +
    `<p class="note">Rotation in ${h(o.schedule.rotation.timeZone)}, members in turn: ${h(
      o.schedule.rotation.members
        .map((id) => byId.get(id)?.displayName ?? 'a former member')
        .join(', '),
    )}.</p>` +
    peopleTable(['who', 'when', 'shift (UTC)', 'contact'], rows, 'Nobody is on call on it.')
  );
}

function levelRows(
  level: string,
  staff: readonly ActiveUser[],
  onCallIds: ReadonlySet<string>,
): string[] {
  if (level === 'owner')
    return ['<tr><td colspan="2">the incident’s owner (see open incidents)</td></tr>'];
  if (level === 'executive_sponsor')
    return ['<tr><td colspan="2">the incident’s executive sponsor (its role holder)</td></tr>'];
  const people =
    level === 'on_call'
      ? staff.filter((p) => onCallIds.has(p.id))
      : staff.filter((p) => p.roles.includes(level));
  if (people.length === 0) return ['<tr><td colspan="2">nobody active has this role</td></tr>'];
  return people.map((p) => personRow(p, p.id));
}

function ladder(
  title: string,
  levels: readonly string[],
  note: string,
  staff: readonly ActiveUser[],
  onCallIds: ReadonlySet<string>,
): string {
  const items = levels.map(
    (level, i) =>
      `<h4>Level ${i + 1}: ${h(level)}</h4>` +
      `<table><thead><tr><th scope="col">who</th><th scope="col">contact</th></tr></thead><tbody>${levelRows(level, staff, onCallIds).join('')}</tbody></table>`,
  );
  return `<h3>${h(title)}</h3><p class="note">${h(note)}</p>${items.join('')}`;
}

export function renderOfflineCopy(c: OfflineCopyContent): string {
  const { policy } = c;
  const byId = new Map(c.staff.map((p) => [p.id, p]));
  const meant = policy.notices.onCall.schedule;
  // Whom the policy's on_call means: the named schedule's person, or everyone on call on any.
  const onCallIds = new Set(
    c.schedules.flatMap((o) =>
      o.now && (meant === undefined || o.schedule.name === meant) ? [o.now.userId] : [],
    ),
  );

  const severities = policy.severities.map(
    (s) =>
      `<tr><td>${h(s.id)}</td><td>${h(s.name)}</td><td>${s.critical ? 'yes' : 'no'}</td><td>${h(
        formatDuration(s.responseWithin),
      )}</td><td>${s.internalUpdateEvery ? h(formatDuration(s.internalUpdateEvery)) : '–'}</td><td>${
        s.customerUpdateEvery ? h(formatDuration(s.customerUpdateEvery)) : '–'
      }</td></tr>`,
  );
  const phases = policy.phases.map(
    (p) =>
      `<li><strong>${h(p.name)}</strong> (${h(p.id)})${p.description ? `: ${h(p.description)}` : ''}${
        p.exitChecks.length > 0
          ? `<br><span class="note">To leave it: ${h(p.exitChecks.map((x) => (x.when === 'always' ? x.check : `${x.check} (${x.when})`)).join(', '))}</span>`
          : ''
      }</li>`,
  );
  const procedures = policy.continuity.procedures.map(
    (p) =>
      `<section><h3>${h(p.title)}</h3><p>Covers: ${h(p.covers.join(', '))}</p>` +
      `<ol class="steps">${p.steps.map((s) => `<li><span class="box" aria-hidden="true"></span>${h(s)}</li>`).join('')}</ol>` +
      (p.stakeholders.length > 0 ? `<p>Keep updated: ${h(p.stakeholders.join(', '))}</p>` : '') +
      `</section>`,
  );
  const containment = policy.containment.kinds.map(
    (k) => `<li><strong>${h(k.name)}</strong>${k.description ? `: ${h(k.description)}` : ''}</li>`,
  );
  const incidents = c.incidents.map((i) => {
    const owner = i.ownerId ? byId.get(i.ownerId) : undefined;
    return `<tr><td>${h(i.key)}</td><td>${h(i.title)}</td><td>${h(i.severity ?? 'not set')}</td><td>${h(
      i.phase,
    )}</td><td>${i.ownerId ? (owner ? `${h(owner.displayName)}<br>${contactsOf(owner)}` : 'a former member') : 'nobody yet'}</td></tr>`;
  });
  const directory = [...c.staff]
    .sort((a, b) => a.displayName.localeCompare(b.displayName))
    .map((p) => personRow(p, p.id, [h(p.roles.join(', '))]));

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Stopline offline copy: ${h(policy.name)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>Stopline offline copy</h1>
<p>${h(policy.name)}, revision ${h(String(policy.revision))}. Generated at ${GENERATED_AT_MARK}. Times are UTC.</p>
<p class="warn">For when Stopline is down. It holds staff contact details: keep it where only the people who respond can read it, and replace it with a newer copy when one is made. Exercises and restricted incidents are not in it.</p>
<nav aria-label="Contents"><ul>
<li><a href="#contacts">Who to call</a></li>
<li><a href="#incidents">Open incidents</a></li>
<li><a href="#runbooks">Runbooks: manual fallback procedures</a></li>
<li><a href="#policy">The policy</a></li>
<li><a href="#directory">Staff directory</a></li>
</ul></nav>
</header>
<main>
<section aria-labelledby="contacts">
<h2 id="contacts">Who to call</h2>
<p>Call the person on call first; if they do not answer, go down the page escalation in order.</p>
<h3>On call</h3>
${c.schedules.length === 0 ? '<p>No on-call schedule.</p>' : c.schedules.map((o) => scheduleSection(o, byId, o.schedule.name === meant)).join('\n')}
${ladder('Page escalation', policy.notices.escalation.levels, `An unacknowledged page goes one level further every ${formatDuration(policy.notices.escalation.after)}; on_call means whoever is on call.`, c.staff, onCallIds)}
${ladder('Missed deadlines', policy.clocks.escalateTo, `A breached deadline is told to the first level, then one level further every ${formatDuration(policy.clocks.repeatEvery)}.`, c.staff, onCallIds)}
<h3>When the line stops</h3>
<p>Told at once: ${h(policy.notices.lineStopped.join(', '))}.</p>
</section>
<section aria-labelledby="incidents">
<h2 id="incidents">Open incidents</h2>
${incidents.length === 0 ? '<p>No open incident.</p>' : `<table><thead><tr><th scope="col">key</th><th scope="col">title</th><th scope="col">severity</th><th scope="col">phase</th><th scope="col">owner</th></tr></thead><tbody>${incidents.join('')}</tbody></table>`}
</section>
<section aria-labelledby="runbooks">
<h2 id="runbooks">Runbooks: manual fallback procedures</h2>
${policy.continuity.description ? `<p>${h(policy.continuity.description)}</p>` : ''}
${procedures.length === 0 ? '<p>The policy lists no manual fallback procedure.</p>' : procedures.join('\n')}
<h3>Containment actions</h3>
<p>${h(policy.containment.description)}</p>
<ul>${containment.join('')}</ul>
</section>
<section aria-labelledby="policy">
<h2 id="policy">The policy</h2>
<p>${h(describePolicy(policy))}</p>
<h3>Severities</h3>
<table><thead><tr><th scope="col">id</th><th scope="col">name</th><th scope="col">critical</th><th scope="col">respond within</th><th scope="col">internal update every</th><th scope="col">customer update every</th></tr></thead><tbody>${severities.join('')}</tbody></table>
<h3>Phases, in order</h3>
<ol>${phases.join('')}</ol>
<h3>Clocks</h3>
<ul>
<li>Reporters are acknowledged within ${h(formatDuration(policy.reporters.acknowledgeWithin))}.</li>
<li>First notice to affected customers within ${h(formatDuration(policy.clocks.customerNoticeWithin))} of an incident being critical.</li>
<li>The final report within ${h(formatDuration(policy.clocks.finalReportWithin))} of resolution.</li>
${policy.breach.regimes.length > 0 ? `<li>Personal-data breaches: ${h(describeRegimes(policy.breach.regimes))}.</li>` : ''}
</ul>
</section>
<section aria-labelledby="directory">
<h2 id="directory">Staff directory</h2>
${peopleTable(['who', 'roles', 'contact'], directory, 'No active staff.')}
</section>
</main>
</body>
</html>
`;
}
