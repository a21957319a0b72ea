// The conversation with the reporter: their messages as untrusted text, ours to them, and internal
// notes that say in words (not only in colour) that the reporter never sees them. The composer
// writes either kind; the server refuses results to an unverified reporter and we show its reason.
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { UserView } from '../../../shared/api/accounts.ts';
import type {
  ReportDetail,
  ReportMessage,
  StaffMessageInput,
} from '../../../shared/api/reports.ts';
import { MESSAGE_TYPES } from '../../../shared/domain/reports.ts';
import { post, request } from '../../api.ts';
import { Empty, ErrorMessage, QueryState, Time } from '../../components/common.tsx';
import { usePolicy } from '../../queries.ts';
import { useCan, useSession } from '../../session.tsx';
import { Choices, TextField } from './fields.tsx';
import { Done } from './report-actions.tsx';
import { MESSAGE_TYPE_WORDS, useConversation, useReportChange } from './report-data.ts';

/** Staff names by id, when the user may read the staff list; otherwise "a team member". */
function useAuthorName(): (id: string | null) => string {
  const session = useSession();
  const can = useCan();
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => request<UserView[]>('/users'),
    enabled: can('users.read'),
    staleTime: 5 * 60_000,
  });
  return (id) => {
    if (id === null) return 'a team member';
    if (id === session.user.id) return 'you';
    return users.data?.find((u) => u.id === id)?.displayName ?? 'a team member';
  };
}

function MessageItem({ message: m, authorName }: { message: ReportMessage; authorName: string }) {
  if (m.kind === 'from_reporter')
    return (
      <li className="message message-reporter" data-testid="message-from-reporter">
        <p className="message-head">
          <strong>
            <span aria-hidden="true">✉ </span>From the reporter
          </strong>{' '}
          · <Time value={m.createdAt} />
        </p>
        <div className="untrusted">{m.body}</div>
      </li>
    );
  if (m.kind === 'internal_note')
    return (
      <li className="message message-internal" data-testid="message-internal">
        <p className="message-head">
          <strong>
            <span aria-hidden="true">✎ </span>Internal note — not shown to the reporter
          </strong>{' '}
          · by {authorName} · <Time value={m.createdAt} />
        </p>
        <div className="message-body">{m.body}</div>
      </li>
    );
  return (
    <li className="message message-to-reporter" data-testid="message-to-reporter">
      <p className="message-head">
        <strong>
          <span aria-hidden="true">➜ </span>Message to the reporter — the reporter sees this
        </strong>{' '}
        · {MESSAGE_TYPE_WORDS[m.messageType ?? 'general']} · by {authorName} ·{' '}
        <Time value={m.createdAt} />
      </p>
      {m.html === null ? (
        <div className="message-body">{m.body}</div>
      ) : (
        // Rendered by the server as the reporter reads it: raw HTML off, links made safe.
        <div className="message-body rendered" dangerouslySetInnerHTML={{ __html: m.html }} />
      )}
    </li>
  );
}

export function Conversation({ report }: { report: ReportDetail }) {
  const conversation = useConversation(report.key);
  const authorName = useAuthorName();
  const can = useCan();
  return (
    <section aria-labelledby="conversation">
      <h2 id="conversation">Conversation</h2>
      <QueryState query={conversation} what="the conversation">
        {(data) =>
          data.messages.length === 0 ? (
            <Empty>No messages yet.</Empty>
          ) : (
            <ol className="messages" data-testid="conversation">
              {data.messages.map((m) => (
                <MessageItem key={m.id} message={m} authorName={authorName(m.authorId)} />
              ))}
            </ol>
          )
        }
      </QueryState>
      {can('reports.communicate') ? <Composer report={report} /> : null}
    </section>
  );
}

type Kind = StaffMessageInput['kind'];
type MessageType = (typeof MESSAGE_TYPES)[number];

function Composer({ report }: { report: ReportDetail }) {
  const policy = usePolicy();
  const [kind, setKind] = useState<Kind>('to_reporter');
  const [messageType, setMessageType] = useState<MessageType>('general');
  const [body, setBody] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const send = useReportChange((input: StaffMessageInput) =>
    post(`/reports/${encodeURIComponent(report.key)}/messages`, input),
  );
  const mustVerify =
    policy.data?.reporters.verifyIdentityBeforeSharingResults === true && !report.verified;

  function submit(event: FormEvent) {
    event.preventDefault();
    setSent(null);
    const input: StaffMessageInput =
      kind === 'internal_note' ? { kind, body } : { kind, messageType, body };
    send.mutate(input, {
      onSuccess: () => {
        setBody('');
        setSent(
          kind === 'internal_note' ? 'Internal note added.' : 'Message sent to the reporter.',
        );
      },
    });
  }

  return (
    <form
      className={`panel composer composer-${kind}`}
      onSubmit={submit}
      aria-labelledby="composer"
    >
      <h3 id="composer">Write</h3>
      <Choices<Kind>
        legend="Who reads it"
        name="message-kind"
        options={[
          ['to_reporter', 'Message to the reporter (they read it on the portal)'],
          ['internal_note', 'Internal note (staff only, never shown to the reporter)'],
        ]}
        value={kind}
        onChange={setKind}
      />
      {kind === 'to_reporter' ? (
        <>
          <label htmlFor="message-type">Kind of message</label>
          <select
            id="message-type"
            value={messageType}
            aria-describedby="message-type-help"
            onChange={(e) => setMessageType(e.target.value as MessageType)}
          >
            {MESSAGE_TYPES.map((t) => (
              <option key={t} value={t}>
                {MESSAGE_TYPE_WORDS[t]}
              </option>
            ))}
          </select>
          <p className="muted help" id="message-type-help">
            {mustVerify
              ? "The policy asks for the reporter's identity to be verified before assessment results or technical details are shared; until then only general messages go out."
              : 'Assessment results and technical details are recorded as such for the reporter.'}
          </p>
        </>
      ) : null}
      <TextField
        id="message-body"
        label={kind === 'internal_note' ? 'Internal note' : 'Message to the reporter'}
        help={
          kind === 'internal_note'
            ? 'Only staff see internal notes.'
            : 'Markdown is allowed: bold, code, lists and links. The reporter reads it on the portal; one who gave an e-mail address gets it by e-mail too, encrypted when their key is kept (or only a notice that there is news, when the encryption policy keeps it on the portal).'
        }
        multiline
        required
        value={body}
        onChange={setBody}
      />
      <ErrorMessage error={send.error} />
      <Done message={sent} />
      <button type="submit" disabled={send.isPending}>
        {kind === 'internal_note' ? 'Add internal note' : 'Send to the reporter'}
      </button>
    </form>
  );
}
