// The pages behind the one-time links: first-run setup and "set your password". Server-rendered
// forms that post back to the page and work without JavaScript. The link's secret sits in the URL
// fragment, which browsers never send (so it is in no server log and no Referer); without
// JavaScript the person pastes the link into the form, and with it a small script of ours fills
// the field in from the address bar and, on the set-password page, says whose account the link is
// for (or that it no longer works) before a password is typed, asking
// POST /api/v1/set-password/account. Without JavaScript the "Saved" page names the account. The
// JSON API (/api/v1/setup, /api/v1/set-password) remains.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodType } from 'zod';
import { SetPasswordBody, SetupBody, type UserView } from '../../../shared/api/accounts.ts';
import type { Config } from '../../config.ts';
import type { AccountsModule } from '../../domain/accounts/index.ts';
import { PASSWORD_MIN_LENGTH } from '../../domain/accounts/index.ts';
import { AppError, type FieldError } from '../../errors.ts';
import { originOf } from '../plugins/auth-plugin.ts';
import { inputField } from './form-fields.ts';
import { refuseCrossSiteForms } from './form-origin.ts';
import { markup } from './html.ts';
import { errorSummary, page, PAGE_CSP } from './layout.ts';
import { sendHtml } from './respond.ts';

const SCRIPT_PATH = '/assets/account-link.js';

interface LinkPage {
  path: string;
  title: string;
  /** Fields besides the link and the password. */
  fields: { name: string; label: string; type: string; autocomplete: string }[];
  schema: ZodType<{ token: string; password: string }>;
  /** The API that says whose account the link is for, if the page shows it. */
  accountLookup?: string;
  save(
    users: AccountsModule['users'],
    input: Record<string, string>,
    origin: ReturnType<typeof originOf>,
  ): Promise<UserView>;
}

/** How a field is named at the start of its error message. */
const FIELD_NAMES: Record<string, string> = {
  link: 'The link',
  email: 'The e-mail address',
  displayName: 'The name',
  password: 'The password',
};

const LINK_PAGES: LinkPage[] = [
  {
    path: '/setup',
    title: 'Create the first admin',
    fields: [
      { name: 'email', label: 'Your e-mail address', type: 'email', autocomplete: 'email' },
      { name: 'displayName', label: 'Your name', type: 'text', autocomplete: 'name' },
    ],
    schema: SetupBody,
    save: (users, input, origin) =>
      users.completeSetup(
        { kind: 'anonymous', ...origin },
        {
          token: input.token!,
          email: input.email!,
          displayName: input.displayName!,
          password: input.password!,
        },
      ),
  },
  {
    path: '/set-password',
    title: 'Set your password',
    fields: [],
    schema: SetPasswordBody,
    accountLookup: '/api/v1/set-password/account',
    save: (users, input, origin) =>
      users.setPasswordWithLink({ kind: 'anonymous', ...origin }, input.token!, input.password!),
  },
];

/** The secret from a pasted link (…#token=SECRET), or the text itself when it is only the secret. */
export function tokenFromLink(text: string): string {
  const trimmed = text.trim();
  return /[#?&]token=([A-Za-z0-9_-]+)/.exec(trimmed)?.[1] ?? trimmed;
}

function linkForm(
  linkPage: LinkPage,
  values: Record<string, string> = {},
  errors: FieldError[] = [],
): string {
  return page(
    {
      title: errors.length ? `Error: ${linkPage.title}` : linkPage.title,
      nav: false,
      script: SCRIPT_PATH,
    },
    markup`<h1>${linkPage.title}</h1>
      ${
        linkPage.accountLookup
          ? markup`<p id="link-account" role="status" data-lookup="${linkPage.accountLookup}"></p>`
          : ''
      }
      ${errorSummary(errors)}
      <form method="post" action="${linkPage.path}" novalidate>
        <div id="link-field">
          ${inputField(
            {
              name: 'link',
              label: 'Your one-time link',
              type: 'text',
              required: true,
              autocomplete: 'off',
              hint: 'Paste the whole link you opened, from the address bar. (With JavaScript on, this page fills it in by itself.)',
            },
            errors,
          )}
        </div>
        ${linkPage.fields.map((field) =>
          inputField({ ...field, required: true, value: values[field.name] }, errors),
        )}
        ${inputField(
          {
            name: 'password',
            label: `Password (at least ${PASSWORD_MIN_LENGTH} characters)`,
            type: 'password',
            required: true,
            autocomplete: 'new-password',
            minLength: PASSWORD_MIN_LENGTH,
          },
          errors,
        )}
        <button type="submit">Save</button>
      </form>
      <p>Already done? <a href="/app/sign-in">Sign in to the Stopline console</a>.</p>`,
  );
}

function savedPage(user: UserView): string {
  return page(
    { title: 'Saved', nav: false },
    markup`<h1>Saved</h1>
      <p role="status">You can now sign in as ${user.email}.</p>
      <p><a href="/app/sign-in">Sign in to the Stopline console</a></p>`,
  );
}

/** Field errors as sentences under the form's own names (the link's secret is `link` here). */
function formErrors(errors: FieldError[]): FieldError[] {
  return errors.map((e) => {
    const field = e.field === 'token' ? 'link' : e.field;
    return { field, message: `${FIELD_NAMES[field] ?? field} ${e.message}` };
  });
}

/** Empty fields, named before the schema's own messages would be. */
function missingFields(linkPage: LinkPage, values: Record<string, string>): FieldError[] {
  return ['link', ...linkPage.fields.map((f) => f.name), 'password']
    .filter((name) => !values[name]?.trim())
    .map((field) => ({ field, message: 'must be filled in' }));
}

const SCRIPT = `'use strict';
(function () {
  var token = new URLSearchParams(location.hash.slice(1)).get('token');
  var field = document.getElementById('f-link');
  if (!token || !field || field.value || field.getAttribute('aria-invalid')) return;
  field.value = location.href;
  document.getElementById('link-field').hidden = true;
  var account = document.getElementById('link-account');
  if (!account) return;
  fetch(account.getAttribute('data-lookup'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: token }),
  })
    .then(function (res) {
      return res.ok ? res.json() : null;
    })
    .then(function (who) {
      if (who) {
        account.textContent =
          'You are setting the password of ' + who.displayName + ' (' + who.email + ').';
      } else {
        account.textContent =
          'This link does not work any more: it was already used, has expired, or was replaced ' +
          'by a newer one. Ask an admin for a new link.';
        document.getElementById('link-field').hidden = false;
      }
    })
    .catch(function () {});
})();
`;

export async function accountLinkPages(
  app: FastifyInstance,
  opts: { users: AccountsModule['users']; config: Pick<Config, 'baseUrl'> },
) {
  const { users } = opts;
  // These pages, and only these, may run our own script.
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', `${PAGE_CSP}; script-src 'self'; connect-src 'self'`);
    return payload;
  });
  const onRequest = refuseCrossSiteForms(new URL(opts.config.baseUrl).origin);
  const html = (reply: FastifyReply, status: number, body: string) =>
    sendHtml(reply.header('cache-control', 'no-store'), status, body);

  for (const linkPage of LINK_PAGES) {
    app.get(linkPage.path, { config: { public: true } }, async (_request, reply) =>
      html(reply, 200, linkForm(linkPage)),
    );

    const post = { config: { public: true }, onRequest, bodyLimit: 64 * 1024 };
    app.post(linkPage.path, post, async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const values: Record<string, string> = {};
      for (const [k, v] of Object.entries(body)) if (typeof v === 'string') values[k] = v;
      // The password and the link are secrets: never written back into the page.
      const kept = Object.fromEntries(linkPage.fields.map((f) => [f.name, values[f.name] ?? '']));
      const input = { ...values, token: tokenFromLink(values.link ?? '') };
      const missing = missingFields(linkPage, values);
      const parsed = linkPage.schema.safeParse(input);
      if (missing.length > 0 || !parsed.success) {
        const errors = missing.length
          ? missing
          : parsed.error!.issues.map((issue) => ({
              field: String(issue.path[0] ?? 'link'),
              message: issue.message,
            }));
        return html(reply, 400, linkForm(linkPage, kept, formErrors(errors)));
      }
      try {
        const user = await linkPage.save(users, input, originOf(request));
        return html(reply, 200, savedPage(user));
      } catch (error) {
        if (error instanceof AppError && error.code === 'VALIDATION') {
          // A refused link is explained in the service's own sentence.
          const errors = (error.details.errors ?? [{ field: 'link', message: '' }]).map((e) =>
            e.field === 'token' ? { field: 'link', message: error.message } : formErrors([e])[0]!,
          );
          return html(reply, 400, linkForm(linkPage, kept, errors));
        }
        throw error;
      }
    });
  }

  app.get(SCRIPT_PATH, { config: { public: true } }, (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').send(SCRIPT),
  );
}
