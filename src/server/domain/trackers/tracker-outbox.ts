// Issues to open go through the outbox like every outbound delivery: enqueued in the transaction
// that decided the hand-off, sent after commit by the outbox worker with its retries and backoff,
// so a tracker that is down delays the hand-off and never the decision. The message is the issue's
// content, frozen at the decision; its recipient is the tracker_issues row.
import { DeadLetter, enqueueMessage, reviveDeadMessage } from '../../db/outbox.ts';
import type { Executor } from '../../db/schema.ts';
import type { IssueContent } from './tracker-rules.ts';

export { DeadLetter };

const trackerKey = (issueId: string) => `tracker-issue:${issueId}`;

/** An issue whose delivery is a dead letter is tried again (its connection was mended). */
export function retryTrackerIssue(tx: Executor, issueId: string, at: number): Promise<boolean> {
  return reviveDeadMessage(tx, trackerKey(issueId), at);
}

export async function enqueueTrackerIssue(
  tx: Executor,
  issueId: string,
  content: IssueContent,
  at: number,
): Promise<void> {
  await enqueueMessage(
    tx,
    {
      channel: 'tracker',
      recipient: issueId,
      subject: `Tracker issue for ${content.incidentKey ?? 'a follow-up'}`,
      bodyText: JSON.stringify(content),
      idempotencyKey: trackerKey(issueId),
    },
    at,
  );
}

export function readTrackerMessage(bodyText: string): IssueContent {
  return JSON.parse(bodyText) as IssueContent;
}
