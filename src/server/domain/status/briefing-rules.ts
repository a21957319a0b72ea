// Pure decisions about internal briefings: when an active incident's next briefing is due (the
// policy's communications.briefings.every for its severity, from its declaration or the last
// briefing), and what a briefing says: a summary staff write nothing for, built from the
// incident's own fields and what the public status page says of it.
import { INCIDENT_STATUS_WORDS } from '../../../shared/domain/status.ts';
import type { PublicIncidentStatus } from '../../../shared/domain/status.ts';
import type { BriefingState } from './briefing-events.ts';

/** An open incident as a briefing reads it. */
export interface BriefingCase {
  id: string;
  key: string;
  title: string;
  severity: string | null;
  phase: string;
  declaredAt: number;
  lineStopped: boolean;
  restricted: boolean;
}

/** The policy a briefing reads: the cadence, and the phases with the one that resolves. */
export interface BriefingPolicy {
  every: Readonly<Record<string, number>>;
  phases: readonly { id: string; name: string }[];
  resolvedAtPhase: string;
}

/** Active: not yet at the phase the policy calls resolved. */
export function isActive(c: BriefingCase, policy: BriefingPolicy): boolean {
  const at = (id: string) => policy.phases.findIndex((p) => p.id === id);
  return at(c.phase) < at(policy.resolvedAtPhase);
}

/** When the next briefing is due; null when the incident's severity is not briefed. */
export function briefingDueAt(
  c: BriefingCase,
  state: BriefingState | null,
  policy: BriefingPolicy,
): number | null {
  const every = c.severity === null ? undefined : policy.every[c.severity];
  if (every === undefined || !isActive(c, policy)) return null;
  return (state?.lastAt ?? c.declaredAt) + every;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/:\d\d\.\d{3}Z$/, 'Z');

function since(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const h = Math.floor(minutes / 60);
  return h > 0 ? `${h} h ${minutes % 60} min` : `${minutes} min`;
}

/** What a briefing says, one line each (the incident's key and title come with the notice). */
export function briefingLines(
  c: BriefingCase,
  input: {
    number: number;
    policy: BriefingPolicy;
    publicIncidents: readonly { name: string; status: PublicIncidentStatus; updatedAt: number }[];
    nextAt: number;
    now: number;
  },
): string[] {
  const phase = input.policy.phases.find((p) => p.id === c.phase)?.name ?? c.phase;
  const page =
    input.publicIncidents.length === 0
      ? ['Public status page: nothing published about it.']
      : input.publicIncidents.map(
          (p) =>
            `Public status page: "${p.name}", ${INCIDENT_STATUS_WORDS[p.status]} (updated ${iso(p.updatedAt)}).`,
        );
  return [
    `Status briefing ${input.number} (every ${since(input.nextAt - input.now)} while the incident is active).`,
    `Severity ${c.severity ?? 'not set'}; phase: ${phase}; declared ${iso(c.declaredAt)}, ${since(input.now - c.declaredAt)} ago.`,
    c.lineStopped ? 'The line is stopped for this incident.' : 'The line is not stopped.',
    ...page,
    `Next briefing by ${iso(input.nextAt)}.`,
  ];
}
