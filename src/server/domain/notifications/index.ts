// The notifications subject's public surface: notices enqueued in other subjects' transactions,
// staff preferences, webhook endpoints, the outbox for admins, and the retry rules the delivery
// worker follows.
import { createNotificationsService, type NotificationsDeps } from './notification-service.ts';

export type NotificationsPorts = NotificationsDeps;

/** The notifications subject, built by the composition root (container.ts) from its ports. */
export function createNotificationsModule(ports: NotificationsPorts) {
  return createNotificationsService(ports);
}

export type NotificationsModule = ReturnType<typeof createNotificationsModule>;

export {
  createNotificationsService,
  type EndpointInput,
  type EndpointView,
  type NoticeStaff,
  type NotificationsDeps,
  type NotificationsService,
  type NtfyTopicInput,
  type PreferencesInput,
} from './notification-service.ts';
export type {
  AffectedPersonNotice,
  AlertEvent,
  NoticeStaffMember,
  PersonalNotice,
  UserNotice,
} from './notice-outbox.ts';
export type { ExerciseAudience, NoticeExercises } from './exercise-gate.ts';
export type {
  StatusRecipient,
  StatusUpdateNotice,
  SubscriptionConfirmation,
} from './subscriber-notices.ts';
export { nextAttemptAt, retryDelay, type RetryPolicy } from './delivery-rules.ts';
export {
  EVENT_KINDS,
  PERSONAL_CHANNELS,
  USER_CHANNELS,
  reachableChannels,
  routeNotice,
  type NoticeLinks,
  type NoticeContext,
  type EventKind,
  type PersonalChannel,
  type Preferences,
  type UserChannel,
} from './preference-rules.ts';
export {
  WEBHOOK_EVENT_TYPES,
  type BreachNotice,
  type LineStoppedNotice,
  type ReporterNotice,
  type ReporterMessageNotice,
  type ReportReceiptNotice,
  type PlaintextRefusalNotice,
} from './notices.ts';
export {
  deadlineNoticeText,
  type DeadlineEvent,
  type DeadlineNotice,
  type DeadlineStep,
  type DeadlineSubject,
} from './deadline-notices.ts';
export type { StaffNotice } from './staff-notices.ts';
export type { PageView } from './page-service.ts';
export type { PushDevice, PushSubscriptionInput, PushTarget } from './push-subscription-service.ts';
export type { EndpointKind, WebhookEndpoint } from './webhook-endpoint-repository.ts';
export type { OutboxAttempt, OutboxEntry } from '../../db/outbox-delivery.ts';
