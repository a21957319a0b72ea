// Who must act after a change to an incident, and what they must do: the new owner, a role's new
// holder, a task's new holder, each member of a convened (or reopened) panel. Pure: the service
// hands these to the notifications subject in the change's transaction. Whoever made the change
// is not told of it; notices about a severity the policy marks bypassQuietHours are urgent.
import { bypassesQuietHours, type Policy } from '../policy/index.ts';
import type { IncidentEvent } from './incident-events.ts';
import type { IncidentState, PanelMember } from './incident-state.ts';

export type ActionKind = 'incident_assigned' | 'role_assigned' | 'task_assigned' | 'panel_vote';

export interface ActionNotice {
  userIds: string[];
  kind: ActionKind;
  headline: string;
  lines: string[];
  /** Unique per change and event; the notifications subject adds each person's id. */
  idempotencyKey: string;
}

const SEAT = {
  owner: 'as its owner',
  responder: 'as a responder',
  security_lead: 'as the security lead',
};

const iso = (ms: number) => new Date(ms).toISOString();

function askToVote(
  state: IncidentState,
  policy: Policy,
  members: readonly PanelMember[],
  at: number,
  key: string,
): ActionNotice[] {
  const by =
    policy.panel.voteWithin === undefined ? '' : ` by ${iso(at + policy.panel.voteWithin)}`;
  return members.map((m) => ({
    userIds: [m.userId],
    kind: 'panel_vote',
    headline: 'Your vote is needed',
    lines: [
      `You sit on the panel that decides whether ${state.key} is critical (${SEAT[m.seat]}). Answer the policy's questions and vote${by}.`,
    ],
    idempotencyKey: `${key}:${m.userId}`,
  }));
}

function noticesOf(
  e: IncidentEvent,
  state: IncidentState,
  policy: Policy,
  at: number,
  key: string,
): ActionNotice[] {
  switch (e.type) {
    case 'incident.owner_assigned':
      return [
        {
          userIds: [e.data.ownerId],
          kind: 'incident_assigned',
          headline: 'You own an incident',
          lines: [
            `${state.key} is now yours${e.data.how === 'auto' ? ' (assigned automatically)' : ''}: you shepherd it through the policy, starting with its next step.`,
          ],
          idempotencyKey: key,
        },
      ];
    case 'incident.role_assigned': {
      const role = policy.roles.find((r) => r.id === e.data.role);
      return [
        {
          userIds: [e.data.userId],
          kind: 'role_assigned',
          headline: `You are ${role?.name ?? e.data.role}`,
          lines: [
            `You hold the role ${role?.name ?? e.data.role} on ${state.key}.`,
            ...(role ? [role.description] : []),
          ],
          idempotencyKey: key,
        },
      ];
    }
    case 'incident.task_added':
    case 'incident.task_updated': {
      const assignee =
        e.type === 'incident.task_added' ? e.data.assigneeId : e.data.changes.assigneeId;
      const task = state.tasks.find((t) => t.id === e.data.taskId);
      if (!assignee || !task) return [];
      return [
        {
          userIds: [assignee],
          kind: 'task_assigned',
          headline: 'A task for you',
          lines: [
            `You are asked to do a task on ${state.key}: ${task.title}.`,
            ...(task.dueAt === null ? [] : [`It is due ${iso(task.dueAt)}.`]),
          ],
          idempotencyKey: key,
        },
      ];
    }
    case 'incident.panel_convened':
    case 'incident.decision_reopened':
      return askToVote(state, policy, e.data.members, at, key);
    default:
      return [];
  }
}

/** The notices a change calls for, to everyone it names but its author. */
export function whoMustAct(
  state: IncidentState,
  policy: Policy,
  events: readonly IncidentEvent[],
  actorId: string | null,
  at: number,
): (ActionNotice & { urgent: boolean })[] {
  const urgent = bypassesQuietHours(policy, state.severity);
  return events.flatMap((e, i) =>
    noticesOf(e, state, policy, at, `incident:${state.id}:${state.version}:${i}`)
      .map((n) => ({ ...n, userIds: n.userIds.filter((id) => id !== actorId), urgent }))
      .filter((n) => n.userIds.length > 0),
  );
}
