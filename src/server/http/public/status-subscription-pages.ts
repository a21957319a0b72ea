// The status page's subscription pages, server-rendered, no script: subscribe by e-mail (every
// component, or those chosen), the confirmation step (a button, so a mail scanner that opens the
// link confirms nothing), the subscriber's own page (choose components, unsubscribe) and the
// answers. Every text is escaped; tokens travel only in our own links and forms.
import type { ShownComponent, StatusSubscriber } from '../../domain/status/index.ts';
import type { FieldError } from '../../errors.ts';
import { markup, type SafeHtml } from './html.ts';
import { inputField } from './form-fields.ts';
import { errorSummary, page } from './layout.ts';

const back = (name: string) => markup`<p><a href="/status">${name}</a></p>`;

function statusFrame(name: string, title: string, body: SafeHtml): string {
  return page({ title, site: name, nav: false }, markup`${back(name)}${body}`);
}

/** The components a subscriber may choose, groups first with their members. */
function componentChoices(
  components: readonly ShownComponent[],
  chosen: readonly string[],
  errors: FieldError[],
): SafeHtml {
  if (components.length === 0) return markup``;
  const error = errors.find((e) => e.field.startsWith('components'));
  const box = (c: ShownComponent) => markup`<div>
    <input type="checkbox" id="f-component-${c.id}" name="components" value="${c.id}"${
      chosen.includes(c.id) ? markup` checked` : ''
    } />
    <label for="f-component-${c.id}" class="inline">${c.name}</label>
  </div>`;
  const top = components.filter((c) => c.groupId === null);
  return markup`<fieldset id="f-components" aria-describedby="f-components-hint">
    <legend>Components</legend>
    <p class="hint" id="f-components-hint">
      Choose the parts you use. Choose none to hear about every one.
    </p>
    ${error ? markup`<p class="error"><span class="visually-hidden">Error: </span>${error.message}</p>` : ''}
    ${top.map(
      (c) =>
        markup`${box(c)}${components.filter((m) => m.groupId === c.id).map((m) => markup`<div class="nested">${box(m)}</div>`)}`,
    )}
  </fieldset>`;
}

export function subscribePage(
  name: string,
  components: readonly ShownComponent[],
  values: { email: string; components: string[] },
  errors: FieldError[] = [],
): string {
  return statusFrame(
    name,
    'Subscribe to updates',
    markup`<h1>Subscribe to updates</h1>
      ${errorSummary(errors)}
      <p>
        We e-mail you when we publish news about an incident. You first get a message with a link
        to confirm; nothing else is sent until you do.
      </p>
      <form method="post" action="/status/subscribe" novalidate>
        ${inputField(
          {
            name: 'email',
            label: 'Your e-mail address',
            type: 'email',
            required: true,
            autocomplete: 'email',
            value: values.email,
          },
          errors,
        )}
        ${componentChoices(components, values.components, errors)}
        <button type="submit">Subscribe</button>
      </form>`,
  );
}

export function checkMailPage(name: string): string {
  return statusFrame(
    name,
    'Check your mailbox',
    markup`<h1>Check your mailbox</h1>
      <p role="status">
        If this address can be subscribed, a message with a link to confirm is on its way. The link
        works for 48 hours.
      </p>`,
  );
}

export function confirmPage(name: string, subscriber: StatusSubscriber, token: string): string {
  return statusFrame(
    name,
    'Confirm your subscription',
    markup`<h1>Confirm your subscription</h1>
      <p>Send notices from ${name} to <strong>${subscriber.email}</strong>?</p>
      <form method="post" action="/status/subscription/confirm">
        <input type="hidden" name="token" value="${token}" />
        <button type="submit">Confirm</button>
      </form>`,
  );
}

export function managePage(
  name: string,
  subscriber: StatusSubscriber,
  components: readonly ShownComponent[],
  token: string,
  opts: { notice?: string; errors?: FieldError[] } = {},
): string {
  const errors = opts.errors ?? [];
  const manage = `/status/subscription?token=${encodeURIComponent(token)}`;
  const leave = `/status/subscription/unsubscribe?token=${encodeURIComponent(token)}`;
  return statusFrame(
    name,
    'Your subscription',
    markup`<h1>Your subscription</h1>
      ${opts.notice ? markup`<p role="status" class="notice">${opts.notice}</p>` : ''}
      ${errorSummary(errors)}
      <p>Notices from ${name} go to <strong>${subscriber.email}</strong>.</p>
      <form method="post" action="${manage}">
        ${componentChoices(components, subscriber.componentIds ?? [], errors)}
        <button type="submit">Save</button>
      </form>
      <h2>Unsubscribe</h2>
      <form method="post" action="${leave}">
        <input type="hidden" name="List-Unsubscribe" value="One-Click" />
        <button type="submit">Unsubscribe</button>
      </form>`,
  );
}

export function unsubscribePage(name: string, subscriber: StatusSubscriber, token: string): string {
  const leave = `/status/subscription/unsubscribe?token=${encodeURIComponent(token)}`;
  return statusFrame(
    name,
    'Unsubscribe',
    markup`<h1>Unsubscribe</h1>
      <p>Stop sending notices from ${name} to <strong>${subscriber.email}</strong>?</p>
      <form method="post" action="${leave}">
        <input type="hidden" name="List-Unsubscribe" value="One-Click" />
        <button type="submit">Unsubscribe</button>
      </form>`,
  );
}

export function unsubscribedPage(name: string): string {
  return statusFrame(
    name,
    'Unsubscribed',
    markup`<h1>You are unsubscribed</h1>
      <p role="status">We will send no more notices to this address, and we no longer keep it.</p>`,
  );
}
