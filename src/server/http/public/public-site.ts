// The public, server-rendered side: the report form, the receipt, the reporter portal, the policy
// and thanks pages, the one-time link pages for staff, security.txt and the one stylesheet. Errors
// here are answered as accessible HTML pages (the JSON API keeps problem+json). No scripts: a CSP
// forbids them (the one-time link pages alone may run one small script of ours).
import { readFileSync } from 'node:fs';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import type { AccountsModule } from '../../domain/accounts/index.ts';
import type { DisclosureModule } from '../../domain/disclosure/index.ts';
import type { NotificationsModule } from '../../domain/notifications/index.ts';
import type { IncomingFile, ReportsModule } from '../../domain/reports/index.ts';
import type { StatusModule } from '../../domain/status/index.ts';
import type { StatusCache } from '../status-cache.ts';
import { durationInWords } from '../../../shared/domain/duration-words.ts';
import { accountLinkPages } from './account-link-pages.ts';
import { advisorySite } from './advisory-site.ts';
import { advisoryHref } from './advisory-pages.ts';
import { pageAckRoutes } from './page-ack-routes.ts';
import { policyPage, thanksPage } from './info-pages.ts';
import { errorPage, PAGE_CSP } from './layout.ts';
import { REFERRER_POLICY } from '../plugins/security-headers-plugin.ts';
import { settings } from '../route-services.ts';
import { refuseCrossSiteForms } from './form-origin.ts';
import { ERROR_PAGE_TITLES, sendErrorPage, sendHtml } from './respond.ts';
import { portalRoutes, type PortalDisclosure } from './portal-routes.ts';
import { receiptPage } from './portal-pages.ts';
import { refuseOverIntakeLimit, refuseOversizeMultipart } from './intake-guards.ts';
import { projectFile } from '../../project-files.ts';
import {
  FORM_BODY_LIMIT,
  formToReport,
  type FormValues,
  multipartBodyLimit,
  readForm,
  reportFormPage,
} from './report-form.ts';
import { securityTxt } from './security-txt.ts';
import { statusSite } from './status-site.ts';

const STYLESHEET = readFileSync(projectFile('src/server/http/public/assets/stopline.css'));

export interface PublicSiteOptions {
  reports: ReportsModule;
  /** The one-time link pages (first admin, set a password). */
  accounts: Pick<AccountsModule, 'users'>;
  /** The acknowledge links of pages (/ack). */
  notifications: Pick<NotificationsModule, 'findPageByToken' | 'acknowledgeByToken'>;
  /** The public status page (/status). */
  status: StatusModule;
  /** The status page's kept answers, shared with /api/v2 and the fast path. */
  statusAnswers: StatusCache;
  /** The published advisories (/advisories). */
  disclosure: Pick<
    DisclosureModule,
    'listPublishedAdvisories' | 'getPublishedAdvisory' | 'exportAdvisory' | 'describeCsafProvider'
  > &
    PortalDisclosure;
  config: Pick<
    Config,
    | 'baseUrl'
    | 'securityEmail'
    | 'securityPgpKeyUrl'
    | 'preferredLanguages'
    | 'attachmentMaxBytes'
    | 'attachmentMaxCount'
    | 'statusPageName'
    | 'statusLanguage'
  >;
}

export async function publicSite(app: FastifyInstance, opts: PublicSiteOptions) {
  const { config, reports } = opts;
  const acknowledgeWithin = () => durationInWords(reports.policy().reporters.acknowledgeWithin);
  const formContext = () => ({
    acknowledgeWithin: acknowledgeWithin(),
    emergencyAcknowledgeWithin: durationInWords(
      reports.policy().reporters.emergencyAcknowledgeWithin ??
        reports.policy().reporters.acknowledgeWithin,
    ),
    securityEmail: config.securityEmail,
    maxFiles: config.attachmentMaxCount,
    maxFileBytes: config.attachmentMaxBytes,
  });
  const fileLimits = { fileSize: config.attachmentMaxBytes, files: config.attachmentMaxCount };
  // Before a form post's body is read: the origin, the sender's intake limit, the declared size.
  const intakeGuards = [
    refuseCrossSiteForms(new URL(config.baseUrl).origin),
    refuseOverIntakeLimit(reports),
    refuseOversizeMultipart(multipartBodyLimit(fileLimits)),
  ];

  await app.register(formbody, { bodyLimit: FORM_BODY_LIMIT });
  // readForm passes its own, tighter limits for each form.
  await app.register(multipart, {
    limits: { fileSize: config.attachmentMaxBytes, files: config.attachmentMaxCount },
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', PAGE_CSP);
    reply.header('referrer-policy', REFERRER_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
  app.setErrorHandler((error, request, reply) => sendErrorPage(request, reply, error));

  app.get('/assets/stopline.css', { config: { public: true } }, async (_request, reply) =>
    reply
      .header('cache-control', 'public, max-age=3600')
      .type('text/css; charset=utf-8')
      .send(STYLESHEET),
  );

  app.get('/report', { config: { public: true } }, async (_request, reply) =>
    sendHtml(reply, 200, reportFormPage(formContext())),
  );

  app.post(
    '/report',
    {
      config: { public: true },
      bodyLimit: FORM_BODY_LIMIT,
      onRequest: intakeGuards,
    },
    async (request, reply) => {
      const { values, files } = await readForm(
        request,
        fileLimits,
        reports.stageUpload,
        reports.discardUploads,
      );
      try {
        return await answerReport(request, reply, values, files);
      } finally {
        // Files of a report that was refused by an error leave the staging folder (the answers
        // above remove them before they are sent; a recorded report has moved them into place).
        await reports.discardUploads(files);
      }
    },
  );

  async function answerReport(
    request: FastifyRequest,
    reply: FastifyReply,
    values: FormValues,
    files: IncomingFile[],
  ) {
    if (values.website) {
      // The spam trap is hidden from people; only a naive bot fills it in.
      await reports.discardUploads(files);
      return sendHtml(
        reply,
        422,
        errorPage(
          422,
          ERROR_PAGE_TITLES[422]!,
          'The form was filled in automatically.',
          String(request.id),
        ),
      );
    }
    const parsed = formToReport(values);
    if (!parsed.ok) {
      const errors = files.length
        ? [
            ...parsed.errors,
            {
              field: 'attachments',
              message:
                'Evidence files are not kept when the form is shown again; choose them again',
            },
          ]
        : parsed.errors;
      await reports.discardUploads(files);
      return sendHtml(reply, 400, reportFormPage(formContext(), values, errors));
    }
    const receipt = await reports.submitReport(parsed.fields, files, { ip: request.ip });
    // The time promised is the emergency one when the reporter marked it so.
    const promised = parsed.fields.emergency
      ? formContext().emergencyAcknowledgeWithin
      : acknowledgeWithin();
    return sendHtml(reply, 200, receiptPage(receipt, promised));
  }

  app.get('/policy', { config: { public: true } }, async (_request, reply) =>
    sendHtml(reply, 200, policyPage(reports.policy(), config.securityEmail)),
  );

  app.get('/thanks', { config: { public: true } }, async (_request, reply) =>
    sendHtml(
      reply,
      200,
      thanksPage(
        await reports.listAcknowledgments(),
        (await opts.disclosure.listPublishedAdvisories()).map((a) => ({
          href: advisoryHref(a.document.id),
          title: a.document.title,
          credits: a.document.credits ?? [],
        })),
      ),
    ),
  );

  app.get('/.well-known/security.txt', { config: { public: true } }, async (_request, reply) =>
    reply
      .header('cache-control', 'public, max-age=3600')
      .type('text/plain; charset=utf-8')
      .send(
        securityTxt({
          baseUrl: config.baseUrl,
          securityEmail: config.securityEmail,
          // The team's own key (openpgp-key-routes.ts) when e-mail intake is on and none is named.
          pgpKeyUrl:
            config.securityPgpKeyUrl ??
            (config.securityEmail ? `${config.baseUrl}/pgp-key.asc` : undefined),
          preferredLanguages: config.preferredLanguages,
          csafProviderUrl: `${config.baseUrl}/.well-known/csaf/provider-metadata.json`,
          now: reports.now(),
        }),
      ),
  );
  app.get('/security.txt', { config: { public: true } }, async (_request, reply) =>
    reply.redirect('/.well-known/security.txt', 301),
  );

  // The pages inside are handed the settings they declare, no more (http/route-services.ts).
  const baseUrl = settings(config, ['baseUrl']);
  await app.register(portalRoutes, {
    reports,
    disclosure: opts.disclosure,
    config: baseUrl,
    fileLimits,
    intakeGuards,
  });
  await app.register(accountLinkPages, { users: opts.accounts.users, config: baseUrl });
  await app.register(pageAckRoutes, { notifications: opts.notifications, config: baseUrl });
  await app.register(statusSite, {
    status: opts.status,
    site: { name: config.statusPageName, language: config.statusLanguage },
    baseUrl: config.baseUrl,
    answers: opts.statusAnswers,
    now: () => reports.now(),
  });
  await app.register(advisorySite, {
    disclosure: opts.disclosure,
    baseUrl: config.baseUrl,
    now: () => reports.now(),
  });
}
