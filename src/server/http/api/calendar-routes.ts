// A person's iCalendar feed (issue 14, item 8): GET /api/v1/calendar.ics?token=… for calendar
// apps (they send no headers, so the secret is in the URL; logs redact `token=`), and
// /api/v1/account/calendar-feed to make, rotate and revoke it. See docs/learning.md.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import ical, { ICalCalendarMethod } from 'ical-generator';
import { z } from 'zod';
import {
  CALENDAR_FEED_PATH,
  CalendarFeedQuery,
  CalendarFeedView,
  CreatedCalendarFeed,
} from '../../../shared/api/calendar.ts';
import { problemResponse } from '../../../shared/api/problems.ts';
import type { Clock } from '../../clock.ts';
import type { AccountsModule } from '../../domain/accounts/index.ts';
import type { CalendarEntry, CalendarModule } from '../../domain/calendar/index.ts';
import { actorOf } from './incident-commands.ts';

const tags = ['learning'];
const own = { permission: 'account.manage_own' } as const;

/** The entries as iCalendar text; ical-generator escapes what people typed (`;`, `,`, breaks). */
export function renderCalendar(entries: readonly CalendarEntry[], now: number, host: string) {
  const calendar = ical({
    name: 'Stopline: what is due',
    prodId: { company: 'Stopline', product: 'Stopline', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
  });
  for (const e of entries) {
    calendar.createEvent({
      id: `${e.uid}@${host}`,
      start: new Date(e.at),
      stamp: new Date(now),
      summary: e.summary,
      description: e.description,
      url: e.url,
      categories: e.categories.map((name) => ({ name })),
    });
  }
  return calendar.toString();
}

export async function calendarRoutes(
  app: FastifyInstance,
  opts: {
    calendar: CalendarModule;
    feeds: AccountsModule['calendarFeeds'];
    clock: Clock;
    baseUrl: string;
  },
) {
  const { calendar, feeds, clock } = opts;
  const host = new URL(opts.baseUrl).hostname;
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get(
    CALENDAR_FEED_PATH,
    {
      // The secret in the URL is the credential: an unknown, rotated or revoked one is a 404.
      config: { public: true },
      schema: {
        summary: 'My iCalendar feed: deadlines, follow-ups due and scheduled exercises',
        description:
          'For calendar apps, which send no headers: the URL made by ' +
          '`POST /api/v1/account/calendar-feed` carries its secret in `token`. It holds the open ' +
          'deadlines its owner may see (and their own), the open follow-ups, and the periods of ' +
          "the policy's schedule; exercises say EXERCISE. A revoked or rotated secret, or an " +
          'account no longer active, answers 404 with nothing of the feed.',
        tags,
        querystring: CalendarFeedQuery,
        response: {
          200: z.string().describe('text/calendar'),
          404: problemResponse('No live feed has this secret'),
        },
      },
    },
    async (request, reply) => {
      const entries = await calendar.feed(request.query.token);
      return reply
        .type('text/calendar; charset=utf-8')
        .header('cache-control', 'private, no-store')
        .send(renderCalendar(entries, clock.now(), host));
    },
  );

  typed.get(
    '/api/v1/account/calendar-feed',
    {
      config: own,
      schema: {
        summary: 'Whether I have a calendar feed URL, and when a calendar last fetched it',
        tags,
        response: { 200: CalendarFeedView },
      },
    },
    async (request) => feeds.view(actorOf(request)),
  );

  typed.post(
    '/api/v1/account/calendar-feed',
    {
      config: own,
      schema: {
        summary: 'Make my calendar feed URL (shown once); an earlier one stops working',
        tags,
        response: { 201: CreatedCalendarFeed },
      },
    },
    async (request, reply) => reply.status(201).send(await feeds.create(actorOf(request))),
  );

  typed.delete(
    '/api/v1/account/calendar-feed',
    {
      config: own,
      schema: {
        summary: 'Revoke my calendar feed URL: it answers 404 from now on',
        tags,
        response: { 200: CalendarFeedView },
      },
    },
    async (request) => feeds.revoke(actorOf(request)),
  );
}
