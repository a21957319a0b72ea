// The public subscription routes of the status page: subscribe (rate-limited, refused from other
// sites), confirm (GET shows a button, POST confirms once), the subscriber's own page, and the
// one-click unsubscribe of RFC 8058 (a POST with List-Unsubscribe=One-Click to the URL in the
// e-mail's List-Unsubscribe header; mail providers send it with no browser headers).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { StatusModule } from '../../domain/status/index.ts';
import { AppError, type FieldError } from '../../errors.ts';
import { refuseCrossSiteForms } from './form-origin.ts';
import { sendHtml } from './respond.ts';
import { statusMessages } from '../../../shared/domain/status-messages.ts';
import type { StatusSite } from './status-pages.ts';
import {
  checkMailPage,
  confirmPage,
  managePage,
  subscribePage,
  unsubscribedPage,
  unsubscribePage,
} from './status-subscription-pages.ts';

const Token = z.string().min(1).max(200);
const TokenQuery = z.object({ token: Token });
const listOf = z
  .union([z.string().max(100), z.array(z.string().max(100)).max(200)])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
const SubscribeForm = z.object({
  email: z.string().max(1000).default(''),
  components: listOf,
});
const Address = z.email().max(254);
const ManageForm = z.object({ components: listOf });
const ConfirmForm = z.object({ token: Token });

function readBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new AppError('VALIDATION', 'The form could not be read');
  return parsed.data;
}

function tokenOf(query: unknown): string {
  const parsed = TokenQuery.safeParse(query);
  if (!parsed.success) throw new AppError('NOT_FOUND', 'This link is not valid');
  return parsed.data.token;
}

const fieldErrors = (error: unknown): FieldError[] | null =>
  error instanceof AppError && error.code === 'VALIDATION' && error.details.errors
    ? error.details.errors
    : null;

export async function statusSubscriptionRoutes(
  app: FastifyInstance,
  opts: {
    status: Pick<
      StatusModule,
      | 'listComponents'
      | 'subscribe'
      | 'findPendingSubscription'
      | 'confirmSubscription'
      | 'findOwnSubscription'
      | 'chooseFollowedComponents'
      | 'unsubscribe'
    >;
    /** The page's name and language. */
    site: StatusSite;
    baseUrl: string;
  },
) {
  const { status, site } = opts;
  const words = statusMessages(site.language).subscription;
  // The domain names an unknown component in English; the page says it in its language.
  const inLanguage = (errors: FieldError[]): FieldError[] =>
    errors.map((e) =>
      e.field.startsWith('components') ? { ...e, message: words.unknownComponent } : e,
    );
  const sameSite = refuseCrossSiteForms(new URL(opts.baseUrl).origin);
  const pub = { config: { public: true }, schema: { hide: true } };
  // The components the public page lists now: the ones a subscriber may choose.
  const shown = async () =>
    (await status.listComponents()).filter(
      (c) => !c.onlyShowIfDegraded || c.shownStatus !== 'operational',
    );

  app.get('/status/subscribe', pub, async (_request, reply) =>
    sendHtml(reply, 200, subscribePage(site, await shown(), { email: '', components: [] })),
  );

  app.post('/status/subscribe', { ...pub, onRequest: sameSite }, async (request, reply) => {
    const form = readBody(SubscribeForm, request.body);
    const components = await shown();
    const rerender = (errors: FieldError[]): FastifyReply =>
      sendHtml(reply, 400, subscribePage(site, components, form, errors));
    if (!Address.safeParse(form.email.trim()).success) {
      return rerender([{ field: 'email', message: words.emailInvalid }]);
    }
    try {
      await status.subscribe({ email: form.email, components: form.components, ip: request.ip });
    } catch (error) {
      const errors = fieldErrors(error);
      if (errors) return rerender(inLanguage(errors));
      throw error;
    }
    return sendHtml(reply, 202, checkMailPage(site));
  });

  app.get('/status/subscription/confirm', pub, async (request, reply) => {
    const token = tokenOf(request.query);
    const subscriber = await status.findPendingSubscription(token);
    return sendHtml(reply, 200, confirmPage(site, subscriber, token));
  });

  app.post(
    '/status/subscription/confirm',
    { ...pub, onRequest: sameSite },
    async (request, reply) => {
      const parsed = ConfirmForm.safeParse(request.body ?? {});
      if (!parsed.success) throw new AppError('NOT_FOUND', 'This link is not valid');
      const { subscriber, token } = await status.confirmSubscription(parsed.data.token);
      return sendHtml(
        reply,
        200,
        managePage(site, subscriber, await shown(), token, {
          notice: words.subscribed,
        }),
      );
    },
  );

  app.get('/status/subscription', pub, async (request, reply) => {
    const token = tokenOf(request.query);
    const subscriber = await status.findOwnSubscription(token);
    return sendHtml(reply, 200, managePage(site, subscriber, await shown(), token));
  });

  app.post('/status/subscription', { ...pub, onRequest: sameSite }, async (request, reply) => {
    const token = tokenOf(request.query);
    const form = readBody(ManageForm, request.body);
    try {
      const subscriber = await status.chooseFollowedComponents(token, form.components);
      return sendHtml(
        reply,
        200,
        managePage(site, subscriber, await shown(), token, { notice: words.saved }),
      );
    } catch (error) {
      const errors = fieldErrors(error);
      if (!errors) throw error;
      const subscriber = await status.findOwnSubscription(token);
      return sendHtml(
        reply,
        400,
        managePage(site, subscriber, await shown(), token, { errors: inLanguage(errors) }),
      );
    }
  });

  app.get('/status/subscription/unsubscribe', pub, async (request, reply) => {
    const token = tokenOf(request.query);
    const subscriber = await status.findOwnSubscription(token);
    return sendHtml(reply, 200, unsubscribePage(site, subscriber, token));
  });

  // RFC 8058: no cross-site check (the mail provider's server posts it), the token is the key.
  app.post('/status/subscription/unsubscribe', pub, async (request, reply) => {
    await status.unsubscribe(tokenOf(request.query));
    return sendHtml(reply, 200, unsubscribedPage(site));
  });
}
