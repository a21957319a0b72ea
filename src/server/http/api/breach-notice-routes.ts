// /api/v1/incidents/:ref/breach/notices and .../contacts: drafts for the authority and the people
// affected, their approval, the batch e-mailed to the people affected, and the people's contact
// list (CSV in, CSV or JSON out). Changing needs breach.manage; the people and their deliveries
// need breach.read (the legal role and admins), and every read of them is audited.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  BreachResponse,
  ContactErasure,
  ContactErasureInput,
  ContactImportResponse,
  DeliveriesResponse,
  DraftNotice,
  EditNotice,
  NoticeRef,
  SendNotice,
} from '../../../shared/api/breach.ts';
import { IncidentRef } from '../../../shared/api/incidents.ts';
import { problemResponse } from '../../../shared/api/problems.ts';
import type { BreachModule } from '../../domain/breach/index.ts';
import { AppError } from '../../errors.ts';
import type { Policy } from '../../domain/policy/index.ts';
import { presentBreach } from './breach-presenter.ts';
import { actorOf } from './incident-commands.ts';
import { presentTime } from './time-presenter.ts';

/** A contact list is at most this large (about 50,000 people with a few columns each). */
const CONTACTS_MAX_BYTES = 10 * 1024 * 1024;

export async function breachNoticeRoutes(
  app: FastifyInstance,
  opts: {
    breach: Pick<
      BreachModule,
      | 'draftNotice'
      | 'editNotice'
      | 'approveNotice'
      | 'sendNotice'
      | 'importContacts'
      | 'listDeliveries'
      | 'exportContacts'
      | 'eraseContact'
    >;
    policy: () => Policy;
  },
) {
  const { breach, policy } = opts;
  // The contact list arrives as the CSV file itself, kept as bytes (its encoding is checked here).
  app.addContentTypeParser(
    'text/csv',
    { parseAs: 'buffer', bodyLimit: CONTACTS_MAX_BYTES },
    (_request, body, done) => done(null, body),
  );
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['breach'];
  const url = '/api/v1/incidents/:ref/breach';
  const refused = problemResponse('Refused: `detail` says why (not approved, already sent, ...)');

  api.post(
    `${url}/notices`,
    {
      config: { permission: 'breach.manage' },
      schema: {
        summary: 'Draft a notice for a stage, written from the breach record',
        description:
          "The text is written from the record's fields for the stage's `audience`: the content " +
          'GDPR Art. 33(3) asks of an authority, or plain language for the people affected, ' +
          "followed by the stage's content items as a checklist. Gaps read `[to be completed]`.",
        tags,
        params: IncidentRef,
        body: DraftNotice,
        response: { 201: BreachResponse, 422: refused },
      },
    },
    async (request, reply) => {
      const view = await breach.draftNotice(actorOf(request), request.params.ref, request.body);
      return reply.code(201).send(presentBreach(view, policy()));
    },
  );

  api.patch(
    `${url}/notices/:noticeId`,
    {
      config: { permission: 'breach.manage' },
      schema: {
        summary: "Edit a draft notice's subject and text",
        description: 'Only a draft: an approved notice is frozen (422).',
        tags,
        params: NoticeRef,
        body: EditNotice,
        response: { 200: BreachResponse, 422: refused },
      },
    },
    async (request) =>
      presentBreach(
        await breach.editNotice(
          actorOf(request),
          request.params.ref,
          request.params.noticeId,
          request.body,
        ),
        policy(),
      ),
  );

  api.post(
    `${url}/notices/:noticeId/approval`,
    {
      config: { permission: 'breach.manage' },
      schema: {
        summary: 'Approve a notice: its subject and text are frozen and hashed',
        description:
          'Refused (400, field `text`) while the text still has `[to be completed]` gaps. Only an ' +
          'approved notice may go out.',
        tags,
        params: NoticeRef,
        response: { 200: BreachResponse, 422: refused },
      },
    },
    async (request) =>
      presentBreach(
        await breach.approveNotice(actorOf(request), request.params.ref, request.params.noticeId),
        policy(),
      ),
  );

  api.post(
    `${url}/notices/:noticeId/send`,
    {
      config: { permission: 'breach.manage' },
      schema: {
        summary: 'Send an approved notice to the people affected, one e-mail each',
        description:
          'Each person on the imported list gets one e-mail through the notifications outbox ' +
          "(`{name}` becomes their name). The batch is the stage's submission, so its deadline " +
          'is met; after the due time `delayReasons` is required. Refused (422) before approval, ' +
          "before the stage's determination (high risk) starts it, without a contact list, twice, " +
          'or for a notice that is not for the people affected.',
        tags,
        params: NoticeRef,
        body: SendNotice,
        response: { 200: BreachResponse, 422: refused },
      },
    },
    async (request) =>
      presentBreach(
        await breach.sendNotice(
          actorOf(request),
          request.params.ref,
          request.params.noticeId,
          request.body,
        ),
        policy(),
      ),
  );

  api.get(
    `${url}/notices/:noticeId/deliveries`,
    {
      config: { permission: 'breach.read' },
      schema: {
        summary: "Each person's delivery of a notice",
        description:
          'Every person on the list with the status of their e-mail: `not_sent`, `pending`, ' +
          '`sending`, `delivered` or `dead` (given up after the retries), with the attempts and ' +
          'the last error. The read is on the audit trail (personal data).',
        tags,
        params: NoticeRef,
        response: { 200: DeliveriesResponse },
      },
    },
    async (request) => {
      const items = await breach.listDeliveries(
        actorOf(request),
        request.params.ref,
        request.params.noticeId,
      );
      return { items: items.map((d) => ({ ...d, deliveredAt: presentTime(d.deliveredAt) })) };
    },
  );

  api.post(
    `${url}/contacts`,
    {
      config: { permission: 'breach.manage' },
      schema: {
        summary: 'Import the people affected from a CSV file (replaces the list)',
        description:
          'Send the file itself as `text/csv` (at most 10 MiB): a header line with an `email` ' +
          'column, and `name` and any other columns. Cells are kept as given; lines without an ' +
          'address or repeating one are refused with their reason, and lines with bytes that are ' +
          'not UTF-8 are named. The list is personal data: only the legal role and admins read ' +
          "it, and it is deleted the policy's `contactListRetentionDays` after its notice.",
        tags,
        params: IncidentRef,
        response: { 200: ContactImportResponse, 422: refused },
      },
    },
    async (request) => {
      if (!Buffer.isBuffer(request.body)) {
        throw new AppError('VALIDATION', 'file must be sent as text/csv', {
          errors: [{ field: 'file', message: 'must be the CSV file itself, sent as text/csv' }],
        });
      }
      return breach.importContacts(actorOf(request), request.params.ref, request.body);
    },
  );

  api.get(
    `${url}/contacts`,
    {
      config: { permission: 'breach.read' },
      schema: {
        summary: 'The people affected, as JSON or CSV',
        description:
          'JSON lists each person with their state for no notice; CSV gives the file back with ' +
          'every cell a spreadsheet would run as a formula made inert. Every read is audited.',
        tags,
        params: IncidentRef,
        querystring: z.object({ format: z.enum(['csv', 'json']).default('json') }),
        response: { 200: z.union([DeliveriesResponse, z.string()]) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      if (request.query.format === 'json') {
        const items = await breach.listDeliveries(actor, request.params.ref, null);
        return { items: items.map((d) => ({ ...d, deliveredAt: presentTime(d.deliveredAt) })) };
      }
      const csv = await breach.exportContacts(actor, request.params.ref);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="stopline-breach-contacts.csv"')
        .send(csv);
    },
  );

  api.post(
    `${url}/contacts/erasures`,
    {
      config: { permission: 'data.erase' },
      schema: {
        summary: 'Erase one person from the contact list on request (GDPR), with the reason',
        description:
          'Removes every line of the list with this address (compared without case) at once: ' +
          'the person is gone from the list, its JSON and CSV, and from the e-mails of the ' +
          "record's notices (emptied; one not sent yet is given up and never goes). The record " +
          'keeps a tombstone event `breach.contacts_redacted` (how many, the reason, an HMAC ' +
          'of what went, never the address), so `stopline verify` still passes, and the audit ' +
          'trail the admin and the reason. 404 when no one on the list has the address.',
        tags,
        params: IncidentRef,
        body: ContactErasureInput,
        response: {
          201: ContactErasure,
          404: problemResponse('No such incident, breach record or address on its list'),
        },
      },
    },
    async (request, reply) => {
      const done = await breach.eraseContact(actorOf(request), request.params.ref, request.body);
      return reply.status(201).send({ count: done.count, at: presentTime(done.at) });
    },
  );
}
