// Chat webhooks: Slack incoming webhooks get readable blocks (with a plain `text` fallback for
// notifications); the generic shape `{ "text": … }` is what Mattermost, Rocket.Chat and Teams
// incoming webhooks accept.
import { SLACK_MEMBER_ID } from '../../shared/domain/notifications.ts';

export interface ChatNotice {
  /** One line, e.g. "Line stopped: INC-2026-0001 Customer data exposed". */
  subject: string;
  /** Plain text, paragraphs separated by blank lines. */
  text: string;
  /** Slack member ids to @mention (Slack only; anything not shaped like an id is dropped). */
  mentions?: readonly string[];
}

interface SlackBlock {
  type: 'header' | 'section' | 'context';
  text?: { type: 'plain_text' | 'mrkdwn'; text: string };
  elements?: { type: 'mrkdwn'; text: string }[];
}

/** Slack's mrkdwn treats &, < and > as control characters. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackMessage(notice: ChatNotice): { text: string; blocks: SlackBlock[] } {
  const paragraphs = notice.text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .slice(0, 45);
  // The only unescaped markup: <@U…> mentions built here from checked member ids.
  const mentions = (notice.mentions ?? [])
    .filter((id) => SLACK_MEMBER_ID.test(id))
    .map((id) => `<@${id}>`)
    .join(' ');
  const lead = mentions ? `${mentions} ` : '';
  return {
    text: `${lead}${escapeSlack(notice.subject)}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: notice.subject.slice(0, 150) } },
      ...(mentions
        ? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: mentions } }]
        : []),
      ...paragraphs.map((p): SlackBlock => ({
        type: 'section',
        text: { type: 'mrkdwn', text: escapeSlack(p).slice(0, 3000) },
      })),
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Sent by Stopline' }] },
    ],
  };
}

export function chatMessage(notice: ChatNotice): { text: string } {
  return { text: `**${notice.subject}**\n\n${notice.text}` };
}
