// The request a message on a person's own channel becomes when it is sent: the person's address
// as it stands then (their ntfy topic with its token opened, their phone number, one browser's
// push subscription), the notice written as that channel's API wants it. A person who removed the
// address gets nothing (null): the worker makes the message a dead letter, naming what was
// removed.
import type {
  NotificationsModule,
  PersonalChannel,
  PersonalNotice,
} from '../domain/notifications/index.ts';
import type { Clock } from '../clock.ts';
import { ntfyRequest } from '../integrations/ntfy-sender.ts';
import { webPushRequest } from '../integrations/web-push-sender.ts';
import { twilioRequest, type TwilioSettings } from '../integrations/twilio-sender.ts';

export interface PersonalRequest {
  url: string;
  headers: Record<string, string>;
  body: string | Buffer;
  /** Who answers, in a failure's words ("HTTP 500 from the SMS provider"). */
  receiver: string;
  /** The receiver says the address is gone for good (a push service's 404 or 410: the browser
   * unsubscribed or the subscription expired): it is forgotten, nothing more goes to it. */
  forget?: () => Promise<void>;
}

export interface PersonalRequests {
  /** The personal channels this instance can send (sms and voice need a provider). */
  channels: readonly PersonalChannel[];
  /** null: the person removed the address (ADDRESS_WORDS names it). */
  request(
    channel: PersonalChannel,
    recipient: string,
    notice: PersonalNotice,
  ): Promise<PersonalRequest | null>;
}

/** What a personal channel's message is addressed to, in words. */
export const ADDRESS_WORDS: Record<PersonalChannel, string> = {
  ntfy: 'ntfy topic',
  sms: 'phone number',
  voice: 'phone number',
  push: "browser's push subscription",
};

export function createPersonalRequests(deps: {
  notifications: Pick<
    NotificationsModule,
    'findNtfyTopic' | 'findPhoneNumber' | 'findPushTarget' | 'forgetPushSubscription'
  >;
  /** The operator's Twilio-compatible account; null: texts and calls wait in the outbox. */
  twilio: TwilioSettings | null;
  /** A push's VAPID token holds for hours from now. */
  clock: Clock;
}): PersonalRequests {
  const { notifications, twilio, clock } = deps;
  return {
    channels: twilio ? ['ntfy', 'sms', 'voice', 'push'] : ['ntfy', 'push'],
    async request(channel, recipient, notice) {
      if (channel === 'push') {
        const target = await notifications.findPushTarget(recipient);
        if (!target) return null;
        return {
          ...webPushRequest(target, notice, clock.now()),
          receiver: 'the push service',
          forget: () => notifications.forgetPushSubscription(recipient),
        };
      }
      if (channel === 'ntfy') {
        const topic = await notifications.findNtfyTopic(recipient);
        if (!topic) return null;
        const { headers, body } = ntfyRequest(notice, topic.token);
        return { url: topic.url, headers, body, receiver: 'the ntfy server' };
      }
      if (!twilio) throw new Error('no SMS provider is configured (STOPLINE_TWILIO_ACCOUNT_SID)');
      const number = await notifications.findPhoneNumber(recipient);
      if (!number) return null;
      return { ...twilioRequest(twilio, channel, number, notice), receiver: 'the SMS provider' };
    },
  };
}

/** The Twilio-compatible account from the configuration, when one is set. */
export function twilioSettingsOf(config: {
  twilioApiUrl: string;
  twilioAccountSid?: string | undefined;
  twilioAuthToken?: string | undefined;
  twilioFrom?: string | undefined;
}): TwilioSettings | null {
  const { twilioAccountSid, twilioAuthToken, twilioFrom } = config;
  if (!twilioAccountSid || !twilioAuthToken || !twilioFrom) return null;
  return {
    apiUrl: config.twilioApiUrl,
    accountSid: twilioAccountSid,
    authToken: twilioAuthToken,
    from: twilioFrom,
  };
}
