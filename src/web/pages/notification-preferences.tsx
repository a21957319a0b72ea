// How Stopline reaches me: which of my channels (e-mail, a Slack @mention) for which notices,
// quiet hours when only what cannot wait gets through, and my Slack member id.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { z } from 'zod';
import type {
  EventKindName,
  NotificationPreferencesBody,
  NotificationPreferencesView,
  UserChannelName,
} from '../../shared/api/notifications.ts';
import { request } from '../api.ts';
import { ErrorMessage, QueryState } from '../components/common.tsx';
import { TableWrap } from '../components/data-table.tsx';

type EventKind = z.infer<typeof EventKindName>;
type Channel = z.infer<typeof UserChannelName>;

const KINDS: Record<EventKind, string> = {
  line_stopped: 'The line stops',
  incident_assigned: 'An incident is handed to me to own',
  role_assigned: 'I am given a role on an incident',
  task_assigned: 'A task is assigned to me',
  panel_vote: 'A panel asks for my vote',
  deadline_reminder: 'Reminders before a deadline',
  deadline_escalation: 'A deadline is breached or escalated to me',
  report_received: 'A new security report arrives',
  breach_escalation: 'A personal-data breach needs the legal role',
  briefing: 'A status briefing on an active incident (the stakeholder list)',
  reporter_action: 'A reporter acts on a vulnerability I own (a date, their credit, the review)',
};
const CHANNELS: Record<Channel, string> = {
  email: 'E-mail',
  slack: 'Slack @mention',
};
const KEY = ['me', 'notification-preferences'] as const;

function Editor({ saved }: { saved: NotificationPreferencesView }) {
  const queryClient = useQueryClient();
  const kinds = Object.keys(KINDS) as EventKind[];
  const channels = Object.keys(CHANNELS) as Channel[];
  // A kind left out of the saved preferences uses every channel.
  const [chosen, setChosen] = useState<Record<EventKind, Channel[]>>(
    () =>
      Object.fromEntries(kinds.map((k) => [k, saved.channels[k] ?? channels])) as Record<
        EventKind,
        Channel[]
      >,
  );
  const [quiet, setQuiet] = useState(saved.quietHours !== null);
  const [start, setStart] = useState(saved.quietHours?.start ?? '22:00');
  const [end, setEnd] = useState(saved.quietHours?.end ?? '07:00');
  const [timeZone, setTimeZone] = useState(
    saved.quietHours?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
  );
  const [slack, setSlack] = useState(saved.slackMemberId ?? '');
  const save = useMutation({
    mutationFn: (body: NotificationPreferencesBody) =>
      request<NotificationPreferencesView>('/me/notification-preferences', {
        method: 'PUT',
        body,
      }),
    onSuccess: (view) => queryClient.setQueryData(KEY, view),
  });

  const toggle = (kind: EventKind, channel: Channel, on: boolean) =>
    setChosen((c) => ({
      ...c,
      [kind]: on ? [...c[kind], channel] : c[kind].filter((x) => x !== channel),
    }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({
      channels: chosen,
      quietHours: quiet ? { start, end, timeZone } : null,
      slackMemberId: slack.trim() === '' ? null : slack.trim(),
    });
  };

  return (
    <form onSubmit={submit} noValidate>
      <TableWrap label="Channels for each kind of notice">
        <table data-testid="notification-channels">
          <caption className="visually-hidden">Channels for each kind of notice</caption>
          <thead>
            <tr>
              <th scope="col">Notice</th>
              {channels.map((c) => (
                <th scope="col" key={c}>
                  {CHANNELS[c]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {kinds.map((kind) => {
              const mandatory = saved.mandatory.includes(kind);
              return (
                <tr key={kind}>
                  <th scope="row">
                    {KINDS[kind]}
                    {mandatory ? <span className="muted"> — always on every channel</span> : null}
                  </th>
                  {channels.map((channel) => (
                    <td key={channel}>
                      <input
                        type="checkbox"
                        aria-label={`${KINDS[kind]}: ${CHANNELS[channel]}`}
                        checked={mandatory || chosen[kind].includes(channel)}
                        disabled={mandatory}
                        onChange={(e) => toggle(kind, channel, e.target.checked)}
                      />
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableWrap>
      <fieldset>
        <legend>Quiet hours</legend>
        <p className="muted">
          Notices wait until the end of quiet hours, except the line stopping and the severities the
          policy says cannot wait.
        </p>
        <label className="inline">
          <input type="checkbox" checked={quiet} onChange={(e) => setQuiet(e.target.checked)} />{' '}
          Hold notices back at night
        </label>
        {quiet ? (
          <div className="row">
            <div>
              <label htmlFor="quiet-start">From</label>
              <input
                id="quiet-start"
                type="time"
                value={start}
                onChange={(e) => setStart(e.target.value)}
              />
            </div>
            <div>
              <label htmlFor="quiet-end">Until</label>
              <input
                id="quiet-end"
                type="time"
                value={end}
                onChange={(e) => setEnd(e.target.value)}
              />
            </div>
            <div>
              <label htmlFor="quiet-zone">Time zone</label>
              <input
                id="quiet-zone"
                value={timeZone}
                onChange={(e) => setTimeZone(e.target.value)}
              />
            </div>
          </div>
        ) : null}
      </fieldset>
      <label htmlFor="slack-member">Slack member id</label>
      <p className="muted" id="slack-member-help">
        In Slack: your profile, ⋮, “Copy member ID” (it starts with U or W). Leave empty for no
        Slack mentions.
      </p>
      <input
        id="slack-member"
        aria-describedby="slack-member-help"
        value={slack}
        onChange={(e) => setSlack(e.target.value)}
      />
      <ErrorMessage error={save.error} />
      {save.isSuccess ? (
        <p role="status" className="saved">
          Saved.
        </p>
      ) : null}
      <button type="submit" disabled={save.isPending}>
        Save notification settings
      </button>
    </form>
  );
}

export function NotificationPreferences() {
  const saved = useQuery({
    queryKey: KEY,
    queryFn: () => request<NotificationPreferencesView>('/me/notification-preferences'),
  });
  return (
    <section className="narrow wide-enough" aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">Notifications</h2>
      <QueryState query={saved} what="your notification settings">
        {(view) => <Editor saved={view} />}
      </QueryState>
    </section>
  );
}
