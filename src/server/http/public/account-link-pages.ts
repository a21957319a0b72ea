// The pages behind the one-time links: first-run setup and "set your password". Plain HTML
// forms; the small external script reads the secret from the URL fragment (which browsers never
// send to a server) and posts it to the JSON API. No inline script, so the CSP stays strict.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PASSWORD_MIN_LENGTH } from '../../domain/accounts/index.ts';

const page = (title: string, fields: string, api: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Stopline</title>
<link rel="stylesheet" href="/assets/stopline.css">
</head>
<body>
<main>
<h1>${title}</h1>
<form id="link-form" data-api="${api}">
${fields}
<p><label>Password (at least ${PASSWORD_MIN_LENGTH} characters)<br>
<input name="password" type="password" autocomplete="new-password" minlength="${PASSWORD_MIN_LENGTH}" required></label></p>
<p><button type="submit">Save</button></p>
</form>
<p id="link-result" role="status"></p>
<p id="link-next" hidden><a href="/app/sign-in">Sign in to the Stopline console</a></p>
<noscript>This page needs JavaScript to read the one-time link. Alternatively POST the token to ${api}.</noscript>
</main>
<script src="/assets/account-link.js"></script>
</body>
</html>
`;

const SETUP_FIELDS = `<p><label>Your email<br><input name="email" type="email" autocomplete="email" required></label></p>
<p><label>Your name<br><input name="displayName" autocomplete="name" required></label></p>`;

const SCRIPT = `'use strict';
(function () {
  var form = document.getElementById('link-form');
  var result = document.getElementById('link-result');
  var token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var body = { token: token };
    new FormData(form).forEach(function (value, key) { body[key] = value; });
    fetch(form.dataset.api, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(function (res) {
      return res.json().then(function (data) {
        result.textContent = res.ok
          ? 'Done. You can now sign in as ' + data.email + '.'
          : data.detail + (data.errors ? ': ' + data.errors.map(function (e) { return e.field + ' ' + e.message; }).join('; ') : '');
        if (res.ok) {
          form.hidden = true;
          document.getElementById('link-next').hidden = false;
        }
      });
    });
  });
})();
`;

export async function accountLinkPages(app: FastifyInstance) {
  const html = (body: string) => (_req: unknown, reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
  app.get(
    '/setup',
    { config: { public: true } },
    html(page('Create the first admin', SETUP_FIELDS, '/api/v1/setup')),
  );
  app.get(
    '/set-password',
    { config: { public: true } },
    html(page('Set your password', '', '/api/v1/set-password')),
  );
  app.get('/assets/account-link.js', { config: { public: true } }, (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').send(SCRIPT),
  );
}
