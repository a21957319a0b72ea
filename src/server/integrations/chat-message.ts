// Chat webhooks: Slack incoming webhooks get readable blocks (with a plain `text` fallback for
// notifications); Microsoft Teams gets an Adaptive Card message, the only shape its Workflows
// webhooks ("When a Teams webhook request is received") take now that Microsoft 365 connectors,
// which took `{ "text": … }`, are retired; the generic shape `{ "text": … }` is what Mattermost and
// Rocket.Chat incoming webhooks accept.
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

/** A notice's paragraphs (separated by blank lines), at most 45: Slack's limit of blocks. */
function paragraphsOf(text: string): string[] {
  return text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .slice(0, 45);
}

/** Slack's mrkdwn treats &, < and > as control characters. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackMessage(notice: ChatNotice): { text: string; blocks: SlackBlock[] } {
  const paragraphs = paragraphsOf(notice.text);
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

/** The Adaptive Card a Teams Workflows webhook posts to its channel. */
export interface TeamsMessage {
  type: 'message';
  attachments: {
    contentType: 'application/vnd.microsoft.card.adaptive';
    contentUrl: null;
    content: {
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
      type: 'AdaptiveCard';
      version: '1.4';
      body: {
        type: 'RichTextBlock';
        inlines: { type: 'TextRun'; text: string; weight?: 'Bolder'; size?: 'Medium' }[];
      }[];
    };
  }[];
}

/**
 * A notice as a Teams Workflows message: one Adaptive Card, the subject in bold, then each
 * paragraph. Every piece is a TextRun, which Adaptive Cards never read as Markdown, so text from
 * outside (a reporter's summary in a title) cannot become a link or formatting.
 */
export function teamsMessage(notice: ChatNotice): TeamsMessage {
  const paragraphs = paragraphsOf(notice.text);
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            {
              type: 'RichTextBlock',
              inlines: [
                {
                  type: 'TextRun',
                  text: notice.subject.slice(0, 300),
                  weight: 'Bolder',
                  size: 'Medium',
                },
              ],
            },
            ...paragraphs.map((p) => ({
              type: 'RichTextBlock' as const,
              inlines: [{ type: 'TextRun' as const, text: p.slice(0, 3000) }],
            })),
            {
              type: 'RichTextBlock',
              inlines: [{ type: 'TextRun', text: 'Sent by Stopline' }],
            },
          ],
        },
      },
    ],
  };
}
