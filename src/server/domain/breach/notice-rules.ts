// The rules of a breach's notices: drafted from the record for a stage, edited while a draft,
// approved by the legal role (the text frozen and hashed), and, for the people affected, sent as
// one batch, which is also the stage's submission (the copy is the approved text). Nothing goes
// out before its approval, nor before the stage's own determination (high risk) starts it. Pure.
import type { Breach, Regime, RegimeStage } from '../policy/index.ts';
import { AppError } from '../../errors.ts';
import { breachEvent as ev, type BreachEvent } from './breach-events.ts';
import { recordSubmission, regimeClocks } from './breach-rules.ts';
import type { BreachNotice, BreachState } from './breach-state.ts';
import { draftNoticeText } from './notice-draft.ts';

const fieldError = (field: string, message: string) =>
  new AppError('VALIDATION', `${field} ${message}`, { errors: [{ field, message }] });
const refuse = (message: string, details: Record<string, unknown> = {}) =>
  new AppError('RULE_REFUSED', message, details);

function stageOf(breach: Breach, regimeId: string, stageId: string): [Regime, RegimeStage] {
  const regime = breach.regimes.find((r) => r.id === regimeId);
  if (!regime) throw fieldError('regimeId', "is not one of the policy's regimes");
  const stage = regime.stages.find((s) => s.id === stageId);
  if (!stage) throw fieldError('stageId', `is not a stage of ${regime.id}`);
  return [regime, stage];
}

export function findNotice(state: BreachState, noticeId: string): BreachNotice {
  const notice = state.notices.find((n) => n.id === noticeId);
  if (!notice) throw new AppError('NOT_FOUND', `Notice ${noticeId} is not on this breach record`);
  return notice;
}

function assertOpen(state: BreachState): void {
  if (state.status === 'closed') throw refuse('The breach record is closed; reopen it first');
}

/** A new draft for a stage, written from the record's fields for the stage's audience. */
export function draftNotice(
  state: BreachState,
  breach: Breach,
  input: { regimeId: string; stageId: string },
  incidentKey: string,
  noticeId: string,
): BreachEvent[] {
  assertOpen(state);
  const [regime, stage] = stageOf(breach, input.regimeId, input.stageId);
  const draft = draftNoticeText(state.facts, stage, incidentKey);
  return [
    ev('breach.notice_drafted', { noticeId, regimeId: regime.id, stageId: stage.id, ...draft }),
  ];
}

/**
 * The drafts a change calls for: a stage for the people affected that has just started (its
 * determination, such as high risk, recorded yes) and has no notice yet gets one.
 */
export function draftsCalledFor(
  before: BreachState,
  after: BreachState,
  breach: Breach,
): { regimeId: string; stageId: string }[] {
  const running = (s: BreachState) =>
    new Set(
      regimeClocks(s, breach).flatMap((r) =>
        r.stages.filter((c) => c.status === 'running').map((c) => `${c.regimeId}.${c.stageId}`),
      ),
    );
  const was = running(before);
  return breach.regimes.flatMap((regime) =>
    regime.stages
      .filter((stage) => stage.audience === 'individuals')
      .filter((stage) => {
        const ref = `${regime.id}.${stage.id}`;
        return running(after).has(ref) && !was.has(ref);
      })
      .filter(
        (stage) => !after.notices.some((n) => n.regimeId === regime.id && n.stageId === stage.id),
      )
      .map((stage) => ({ regimeId: regime.id, stageId: stage.id })),
  );
}

export function editNotice(
  state: BreachState,
  noticeId: string,
  input: { subject: string; text: string },
): BreachEvent[] {
  assertOpen(state);
  const notice = findNotice(state, noticeId);
  if (notice.status !== 'draft') {
    throw refuse(`The notice is ${notice.status}: its text is frozen`, { status: notice.status });
  }
  if (notice.subject === input.subject && notice.text === input.text) {
    throw refuse('Nothing to change: the notice already says this');
  }
  return [ev('breach.notice_edited', { noticeId, ...input })];
}

/** Approval freezes the text; a draft that still has gaps to fill cannot be approved. */
export function approveNotice(state: BreachState, noticeId: string, sha256: string): BreachEvent[] {
  assertOpen(state);
  const notice = findNotice(state, noticeId);
  if (notice.status !== 'draft') throw refuse(`The notice is already ${notice.status}`);
  if (notice.text.includes('[to be completed]')) {
    throw fieldError('text', 'still has gaps ([to be completed]): fill them in before approving');
  }
  return [ev('breach.notice_approved', { noticeId, sha256 })];
}

/**
 * Sending an approved notice to the people affected: once, to the imported list, after the
 * stage has started. It is the stage's submission (copy: the approved text), so a late one needs
 * its reasons like any other.
 */
export function sendNotice(
  state: BreachState,
  breach: Breach,
  noticeId: string,
  recipients: number,
  delayReasons: string,
  now: number,
): BreachEvent[] {
  assertOpen(state);
  if (state.status === 'not_a_breach') {
    throw refuse('The record says this is not a breach: nothing is sent');
  }
  const notice = findNotice(state, noticeId);
  if (notice.audience !== 'individuals') {
    throw refuse(
      'Only a notice to the people affected is sent from Stopline; record the submission of the others',
    );
  }
  if (notice.status === 'draft') {
    throw refuse('The notice is not approved: the legal role approves it before it goes out');
  }
  if (notice.status === 'sent') throw refuse('The notice was already sent');
  if (recipients === 0) {
    throw refuse('No one to send it to: import the contact list (CSV) first');
  }
  const submission = recordSubmission(
    state,
    breach,
    {
      regimeId: notice.regimeId,
      stageId: notice.stageId,
      part: 'initial',
      submittedAt: now,
      recipient: `${recipients} people by e-mail`,
      reference: `notice ${notice.id}`,
      copy: { mediaType: 'text/plain', text: `${notice.subject}\n\n${notice.text}` },
      delayReasons,
    },
    notice.sha256!,
    now,
  );
  return [ev('breach.notice_sent', { noticeId, recipients }), ...submission];
}
