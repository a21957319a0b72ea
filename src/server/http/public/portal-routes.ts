// The reporter portal: POST key + access code (never in a URL) for a short-lived session cookie;
// then the report view, replies with evidence, sign-out. Every POST must come from our own pages
// (form-origin.ts), and every POST with the cookie carries a CSRF token derived from the session.
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Config } from '../../config.ts';
import {
  PORTAL_SESSION_TTL,
  portalCsrfToken,
  portalCsrfTokenMatches,
  type IncomingFile,
  type Report,
  type ReportsModule,
} from '../../domain/reports/index.ts';
import type { DisclosureModule } from '../../domain/disclosure/index.ts';
import { AppError } from '../../errors.ts';
import { PublicUrlInput } from '../../../shared/api/reports.ts';
import { PORTAL_PATH } from '../../../shared/domain/console-paths.ts';
import { PORTAL_COOKIE, readCookie, setPortalCookie } from './cookies.ts';
import { refuseCrossSiteForms } from './form-origin.ts';
import { disclosureSection, type PortalDisclosureForm } from './portal-disclosure.ts';
import { portalPage, signInPage } from './portal-pages.ts';
import { readForm, type FileLimits, type FormValues } from './report-form.ts';
import { sendHtml } from './respond.ts';

/** What the portal shows and does of the disclosure of the reporter's vulnerabilities. */
export type PortalDisclosure = Pick<
  DisclosureModule,
  | 'listForReporter'
  | 'proposeDateAsReporter'
  | 'acceptDateAsReporter'
  | 'chooseCreditAsReporter'
  | 'answerReviewAsReporter'
>;

interface PortalOptions {
  reports: ReportsModule;
  disclosure: PortalDisclosure;
  config: Pick<Config, 'baseUrl'>;
  fileLimits: FileLimits;
  /** onRequest hooks of a post that may carry files: origin, intake limit, declared size. */
  intakeGuards: onRequestHookHandler[];
}

export async function portalRoutes(app: FastifyInstance, opts: PortalOptions) {
  const { config, reports } = opts;
  const secure = config.baseUrl.startsWith('https:');
  const form = {
    config: { public: true },
    onRequest: refuseCrossSiteForms(new URL(config.baseUrl).origin),
  };

  async function session(
    request: FastifyRequest,
  ): Promise<{ token: string; report: Report } | undefined> {
    const token = readCookie(request, PORTAL_COOKIE);
    if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const report = await reports.findPortalReport(token);
    return report ? { token, report } : undefined;
  }

  async function renderPortal(
    token: string,
    report: Report,
    extra: {
      errors?: { field: string; message: string }[];
      body?: string;
      publicUrl?: string;
      status?: string;
      form?: PortalDisclosureForm;
    } = {},
  ) {
    const { form, ...rest } = extra;
    const csrfToken = portalCsrfToken(token);
    const [view, vulnerabilities] = await Promise.all([
      reports.getPortalView(report.id),
      opts.disclosure.listForReporter(report),
    ]);
    const disclosure = disclosureSection(vulnerabilities, { csrfToken, now: reports.now(), form });
    const errors = form
      ? form.errors.map((e) => ({ field: `${form.key}-${e.field}`, message: e.message }))
      : rest.errors;
    return portalPage(view, { csrfToken, ...rest, ...(errors ? { errors } : {}), disclosure });
  }

  app.get(PORTAL_PATH, { config: { public: true } }, async (request, reply) => {
    const current = await session(request);
    if (!current) return sendHtml(reply, 200, signInPage());
    return sendHtml(reply, 200, await renderPortal(current.token, current.report));
  });

  app.post('/portal/sign-in', form, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const key = typeof body.key === 'string' ? body.key : '';
    const accessCode = typeof body.accessCode === 'string' ? body.accessCode : '';
    const errors = [
      ...(key.trim() ? [] : [{ field: 'key', message: 'Enter the report key, such as RPT-0042' }]),
      ...(accessCode ? [] : [{ field: 'accessCode', message: 'Enter the access code' }]),
    ];
    if (errors.length) return sendHtml(reply, 400, signInPage({ key, errors }));
    try {
      const signedIn = await reports.signInToPortal({ key, accessCode, ip: request.ip });
      setPortalCookie(reply, signedIn.token, PORTAL_SESSION_TTL / 1000, secure);
      return reply.redirect('/portal', 303);
    } catch (error) {
      if (error instanceof AppError && error.code === 'UNAUTHENTICATED') {
        // The code the person typed is never sent back into the page.
        return sendHtml(
          reply,
          401,
          signInPage({ key, errors: [{ field: 'accessCode', message: error.message }] }),
        );
      }
      throw error;
    }
  });

  app.post(
    '/portal/reply',
    { config: { public: true }, onRequest: opts.intakeGuards },
    async (request, reply) => {
      const current = await session(request);
      if (!current) {
        return sendHtml(
          reply,
          401,
          signInPage({ status: 'Your session has ended. Sign in again to send your message.' }),
        );
      }
      const { values, files } = await readForm(
        request,
        opts.fileLimits,
        reports.stageUpload,
        reports.discardUploads,
      );
      try {
        return await answerReply(reply, current, values, files);
      } finally {
        // Files of a reply refused by an error leave the staging folder (a recorded reply has
        // moved them into place).
        await reports.discardUploads(files);
      }
    },
  );

  async function answerReply(
    reply: FastifyReply,
    current: { token: string; report: Report },
    values: FormValues,
    files: IncomingFile[],
  ) {
    if (!portalCsrfTokenMatches(current.token, values.csrf ?? '')) {
      throw new AppError('FORBIDDEN', 'This form has expired; reload the page and try again');
    }
    const body = values.body ?? '';
    try {
      await reports.replyAsReporter(current.report.id, { body, files, ip: reply.request.ip });
    } catch (error) {
      if (error instanceof AppError && error.code === 'VALIDATION') {
        await reports.discardUploads(files);
        const errors = error.details.errors ?? [{ field: 'body', message: error.message }];
        return sendHtml(
          reply,
          400,
          await renderPortal(current.token, current.report, { errors, body }),
        );
      }
      throw error;
    }
    return reply.redirect('/portal', 303);
  }

  /**
   * The session and fields of a plain (urlencoded) portal form, its CSRF token checked; undefined
   * when the session has ended (the sign-in page is sent).
   */
  async function signedInForm(request: FastifyRequest, reply: FastifyReply) {
    const current = await session(request);
    if (!current) {
      sendHtml(reply, 401, signInPage({ status: 'Your session has ended. Sign in again.' }));
      return undefined;
    }
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (!portalCsrfTokenMatches(current.token, typeof body.csrf === 'string' ? body.csrf : '')) {
      throw new AppError('FORBIDDEN', 'This form has expired; reload the page and try again');
    }
    return { current, body };
  }

  app.post('/portal/public-url', form, async (request, reply) => {
    const signedIn = await signedInForm(request, reply);
    if (!signedIn) return reply;
    const { current, body } = signedIn;
    const publicUrl = typeof body.publicUrl === 'string' ? body.publicUrl : '';
    const parsed = PublicUrlInput.safeParse({ url: publicUrl });
    if (!parsed.success) {
      const errors = [
        { field: 'publicUrl', message: `The address ${parsed.error.issues[0]!.message}` },
      ];
      return sendHtml(
        reply,
        400,
        await renderPortal(current.token, current.report, { errors, publicUrl }),
      );
    }
    await reports.reportPublicCopy(current.report.id, parsed.data.url);
    return reply.redirect('/portal', 303);
  });

  // The reporter's side of the disclosure: each form names the vulnerability in its path; one
  // not linked to the signed-in report is a 404, as one that does not exist.
  const disclosureActions: Record<
    string,
    (report: Report, key: string, body: Record<string, string>) => Promise<unknown>
  > = {
    date: (report, key, body) =>
      opts.disclosure.proposeDateAsReporter(report, key, parseUtcMinutes(body.disclosureAt ?? '')),
    'date/accept': (report, key) => opts.disclosure.acceptDateAsReporter(report, key),
    credit: (report, key, body) =>
      opts.disclosure.chooseCreditAsReporter(report, key, {
        consent: body.credit === 'named' || body.credit === 'anonymous',
        name: body.credit === 'named' ? (body.creditName ?? '').trim() || null : null,
        url: body.credit === 'named' ? (body.creditUrl ?? '').trim() || null : null,
      }),
    review: (report, key, body) =>
      opts.disclosure.answerReviewAsReporter(report, key, {
        verdict: body.verdict === 'approved' ? 'approved' : 'comments',
        comments: body.comments ?? '',
      }),
  };
  for (const [action, run] of Object.entries(disclosureActions)) {
    app.post(`/portal/vulnerabilities/:key/${action}`, form, async (request, reply) => {
      const current = await session(request);
      if (!current)
        return sendHtml(
          reply,
          401,
          signInPage({ status: 'Your session has ended. Sign in again.' }),
        );
      const raw = (request.body ?? {}) as Record<string, unknown>;
      const body = Object.fromEntries(
        Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
      if (!portalCsrfTokenMatches(current.token, body.csrf ?? '')) {
        throw new AppError('FORBIDDEN', 'This form has expired; reload the page and try again');
      }
      const { key } = request.params as { key: string };
      try {
        await run(current.report, key, body);
      } catch (error) {
        if (
          error instanceof AppError &&
          (error.code === 'RULE_REFUSED' || error.code === 'VALIDATION')
        ) {
          const errors = error.details.errors ?? [
            { field: 'disclosureAt', message: error.message },
          ];
          const { csrf: _csrf, ...values } = body;
          // A field that is not what it must be is a 400; a step the rules refuse, a 422.
          return sendHtml(
            reply,
            error.code === 'VALIDATION' ? 400 : 422,
            await renderPortal(current.token, current.report, { form: { key, errors, values } }),
          );
        }
        throw error;
      }
      return reply.redirect('/portal', 303);
    });
  }
  // The reporter's OpenPGP public key, pasted: kept for their address, or a field error. What was
  // pasted is never sent back into the page (it may be a private key).
  app.post('/portal/pgp-key', form, async (request, reply) => {
    const signedIn = await signedInForm(request, reply);
    if (!signedIn) return reply;
    const { current, body } = signedIn;
    const pgpKey = typeof body.pgpKey === 'string' ? body.pgpKey : '';
    try {
      const kept = await reports.giveReporterKey(current.report.id, pgpKey);
      return sendHtml(
        reply,
        200,
        await renderPortal(current.token, current.report, {
          status: `${kept.already ? 'We already had' : 'We keep'} your key ${kept.fingerprint}: what we e-mail you is encrypted to it.`,
        }),
      );
    } catch (error) {
      if (error instanceof AppError && error.code === 'VALIDATION') {
        const errors = error.details.errors ?? [{ field: 'pgpKey', message: error.message }];
        return sendHtml(reply, 400, await renderPortal(current.token, current.report, { errors }));
      }
      throw error;
    }
  });

  app.post('/portal/sign-out', form, async (request, reply) => {
    const current = await session(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (
      current &&
      portalCsrfTokenMatches(current.token, typeof body.csrf === 'string' ? body.csrf : '')
    ) {
      await reports.signOutOfPortal(current.token);
    }
    setPortalCookie(reply, '', 0, secure);
    return reply.redirect('/portal', 303);
  });
}

/** A datetime-local value ("2027-01-10T09:00"), read as UTC; NaN when it is not one. */
function parseUtcMinutes(value: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) {
    throw new AppError('RULE_REFUSED', 'Enter a date and time', {
      errors: [
        { field: 'disclosureAt', message: 'Enter a date and time, such as 2027-01-10 09:00' },
      ],
    });
  }
  const at = Date.parse(`${value}:00Z`);
  if (Number.isNaN(at)) {
    throw new AppError('RULE_REFUSED', 'Enter a date and time', {
      errors: [{ field: 'disclosureAt', message: 'Enter a real date and time' }],
    });
  }
  return at;
}
