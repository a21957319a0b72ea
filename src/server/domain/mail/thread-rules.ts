// Pure decisions about the Message-IDs Stopline sends a reporter: each names the report it is
// about, sealed with a code only the server key makes, so an answer to any of them (In-Reply-To,
// References) is known as being about that report without a table of what was sent; and the
// threading headers of mail to a reporter whose report came by e-mail.

/** How mail with reporters is encrypted (STOPLINE_MAIL_ENCRYPTION). */
export type MailEncryption = 'if-possible' | 'always' | 'refuse-plaintext';

/** The Message-ID (without brackets) of one e-mail to a reporter about a report. */
export function sentMessageId(
  parts: { unique: string; reportId: string; code: string },
  domain: string,
): string {
  return `s.${parts.unique}.${parts.reportId}.${parts.code}@${domain}`;
}

/** The report a Message-ID Stopline sent is about, with the code to check; null if not ours. */
export function parseSentMessageId(
  messageId: string,
  domain: string,
): { reportId: string; code: string } | null {
  const match =
    /^s\.[0-9a-f]{16,64}\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([0-9a-f]{16,64})@(.+)$/i.exec(
      messageId,
    );
  if (!match || match[3]!.toLowerCase() !== domain.toLowerCase()) return null;
  return { reportId: match[1]!.toLowerCase(), code: match[2]!.toLowerCase() };
}

/**
 * The headers of an e-mail to a reporter: its own Message-ID, replies to the report's reply
 * address, answering the reporter's latest message and naming their first (References).
 */
export function reporterThreading(input: {
  messageId: string;
  replyTo: string | null;
  /** The reporter's messages on the report, oldest first (their Message-IDs, when they had one). */
  reporterMessageIds: string[];
}): { messageId: string; replyTo?: string; inReplyTo?: string; references?: string[] } {
  const ids = input.reporterMessageIds;
  const latest = ids.at(-1);
  const references = [...new Set([ids[0], latest].filter((i): i is string => Boolean(i)))];
  return {
    messageId: `<${input.messageId}>`,
    ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    ...(latest ? { inReplyTo: `<${latest}>`, references: references.map((r) => `<${r}>`) } : {}),
  };
}
