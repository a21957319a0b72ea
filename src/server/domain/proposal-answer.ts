// A follow-up proposed to people (a change of the policy the incident's record proposes to its
// post-mortem, the tuning of an alert rule that noise proposes) is answered once: taken as a
// follow-up, or declined with the reason. A second answer is a conflict (409) that names the
// first, the same way for every kind of proposal.
import { AppError } from '../errors.ts';

/** How a proposal was answered first. */
export type FirstAnswer =
  | {
      status: 'taken';
      followUpId: string;
      /** Names the follow-up in the message. */ followUp: string;
    }
  | { status: 'declined'; reason: string };

/** CONFLICT naming the first answer: "already taken as the follow-up …" or "already declined: …". */
export function answeredAlready(proposalId: string, first: FirstAnswer): AppError {
  return first.status === 'taken'
    ? new AppError(
        'CONFLICT',
        `This proposal was already taken as the follow-up ${first.followUp}`,
        {
          proposalId,
          followUpId: first.followUpId,
        },
      )
    : new AppError('CONFLICT', `This proposal was already declined: ${first.reason}`, {
        proposalId,
      });
}
