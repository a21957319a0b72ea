// The acknowledge link of a page (/ack?token=…), server-rendered, no script: GET shows what the
// page is about and a button (so a mail scanner that opens the link acknowledges nothing), POST
// acknowledges it once, which stops its escalation. The token is the person's own: no sign-in.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ACK_PATH, consolePath, consoleUrl } from '../../../shared/domain/console-paths.ts';
import type { NotificationsModule, PageView } from '../../domain/notifications/index.ts';
import { AppError } from '../../errors.ts';
import { refuseCrossSiteForms } from './form-origin.ts';
import { markup } from './html.ts';
import { page } from './layout.ts';
import { sendHtml } from './respond.ts';

const Token = z.object({ token: z.string().min(1).max(200) });

function tokenOf(input: unknown): string {
  const parsed = Token.safeParse(input ?? {});
  if (!parsed.success) throw new AppError('NOT_FOUND', 'This acknowledge link is not valid');
  return parsed.data.token;
}

const iso = (ms: number) => new Date(ms).toISOString();

function ackPage(p: PageView, token: string, baseUrl: string, done: boolean): string {
  const naming = p.about.restricted
    ? `${p.about.key} (restricted)`
    : `${p.about.key} ${p.about.title}`;
  const open = consoleUrl(baseUrl, consolePath.subject(p.about));
  const state =
    p.acknowledgedAt === null
      ? markup`<form method="post" action="${ACK_PATH}">
          <input type="hidden" name="token" value="${token}" />
          <button type="submit">Acknowledge</button>
        </form>
        <p class="hint">
          ${p.nextEscalationAt === null ? 'No further level is paged.' : `Unless it is acknowledged, the next level is paged at ${iso(p.nextEscalationAt)}.`}
        </p>`
      : markup`<p role="status" class="notice">
          ${done ? 'Acknowledged: the page stops here.' : 'This page is acknowledged.'}
          (${iso(p.acknowledgedAt)})
        </p>`;
  return page(
    { title: 'Acknowledge a page', site: 'Stopline', nav: false },
    markup`<h1>${p.headline}</h1>
      <p><strong>${naming}</strong></p>
      ${p.lines.map((line) => markup`<p>${line}</p>`)}
      ${state}
      <p><a href="${open}">Open ${p.about.key} in Stopline</a></p>`,
  );
}

export async function pageAckRoutes(
  app: FastifyInstance,
  opts: {
    notifications: Pick<NotificationsModule, 'findPageByToken' | 'acknowledgeByToken'>;
    config: { baseUrl: string };
  },
) {
  const { notifications, config } = opts;
  const pub = { config: { public: true }, schema: { hide: true } };
  const sameSite = refuseCrossSiteForms(new URL(config.baseUrl).origin);

  app.get(ACK_PATH, pub, async (request, reply) => {
    const token = tokenOf(request.query);
    const found = await notifications.findPageByToken(token);
    return sendHtml(reply, 200, ackPage(found, token, config.baseUrl, false));
  });

  app.post(ACK_PATH, { ...pub, onRequest: sameSite }, async (request, reply) => {
    const token = tokenOf(request.body);
    const acked = await notifications.acknowledgeByToken(token, {
      ip: request.ip,
      userAgent: request.headers['user-agent'],
    });
    return sendHtml(reply, 200, ackPage(acked, token, config.baseUrl, true));
  });
}
