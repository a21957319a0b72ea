// How Stopline reaches me: which of my channels (e-mail, a Slack @mention, a push to my ntfy
// topic, a text or a call to my phone) for which notices, quiet hours when only what cannot wait
// gets through, my Slack member id, my ntfy topic (its access token is sent once and never shown
// again) and my phone number.
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
import {
  browserTimeZone,
  ErrorMessage,
  QueryState,
  TimeZoneSelect,
} from '../components/common.tsx';
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
  ntfy: 'ntfy push',
  sms: 'Text message',
  voice: 'Phone call (urgent only)',
  push: 'Browser push',
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
  const [timeZone, setTimeZone] = useState(saved.quietHours?.timeZone ?? browserTimeZone());
  const [slack, setSlack] = useState(saved.slackMemberId ?? '');
  const [ntfyUrl, setNtfyUrl] = useState(saved.ntfy?.url ?? '');
  const [ntfyToken, setNtfyToken] = useState('');
  const [phone, setPhone] = useState(saved.phone ?? '');
  const [dropToken, setDropToken] = useState(false);
  const save = useMutation({
    mutationFn: (body: NotificationPreferencesBody) =>
      request<NotificationPreferencesView>('/me/notification-preferences', {
        method: 'PUT',
        body,
      }),
    onSuccess: (view) => {
      setNtfyToken('');
      setDropToken(false);
      queryClient.setQueryData(KEY, view);
    },
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
      phone: phone.replace(/[\s()-]/g, '') === '' ? null : phone.replace(/[\s()-]/g, ''),
      // The token is sent only when typed (or removed); left out, the stored one stays.
      ntfy:
        ntfyUrl.trim() === ''
          ? null
          : {
              url: ntfyUrl.trim(),
              ...(ntfyToken.trim() !== ''
                ? { token: ntfyToken.trim() }
                : dropToken
                  ? { token: null }
                  : {}),
            },
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
              <TimeZoneSelect id="quiet-zone" value={timeZone} onChange={setTimeZone} />
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
      <label htmlFor="phone-number">Phone number for texts and calls</label>
      <p className="muted" id="phone-number-help">
        In international form, e.g. +49 151 12345678. Pages come as a text with your acknowledge
        link; a call reads out only what cannot wait. Leave empty for none.
      </p>
      <input
        id="phone-number"
        type="tel"
        autoComplete="tel"
        aria-describedby="phone-number-help"
        value={phone}
        onChange={(e) => setPhone(e.target.value)}
      />
      <fieldset>
        <legend>ntfy push</legend>
        <p className="muted" id="ntfy-help">
          The URL of your topic on ntfy.sh or your own ntfy server, as the ntfy app subscribes to it
          (https://ntfy.sh/a-long-name-nobody-guesses). Pages arrive as urgent notifications with an
          Acknowledge button. Leave empty for no pushes.
        </p>
        <label htmlFor="ntfy-url">Topic URL</label>
        <input
          id="ntfy-url"
          type="url"
          inputMode="url"
          aria-describedby="ntfy-help"
          value={ntfyUrl}
          onChange={(e) => setNtfyUrl(e.target.value)}
        />
        <label htmlFor="ntfy-token">Access token (optional)</label>
        <p className="muted" id="ntfy-token-help">
          {saved.ntfy?.hasToken
            ? 'A token is stored; it is never shown. Type a new one to replace it.'
            : 'For a topic that needs one (tk_…). It is stored encrypted and never shown again.'}
        </p>
        <input
          id="ntfy-token"
          type="password"
          autoComplete="off"
          aria-describedby="ntfy-token-help"
          value={ntfyToken}
          onChange={(e) => setNtfyToken(e.target.value)}
        />
        {saved.ntfy?.hasToken ? (
          <label className="inline">
            <input
              type="checkbox"
              checked={dropToken}
              onChange={(e) => setDropToken(e.target.checked)}
            />{' '}
            Remove the stored token
          </label>
        ) : null}
      </fieldset>
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
