// The status page's subscription pages, server-rendered, no script: subscribe by e-mail (every
// component, or those chosen), the confirmation step (a button, so a mail scanner that opens the
// link confirms nothing), the subscriber's own page (choose components, unsubscribe) and the
// answers. Their words are the page's language (the message catalogue, like the status page).
// Every text is escaped; tokens travel only in our own links and forms.
import type { ShownComponent, StatusSubscriber } from '../../domain/status/index.ts';
import type { FieldError } from '../../errors.ts';
import {
  statusMessages,
  type SubscriptionMessages,
} from '../../../shared/domain/status-messages.ts';
import { markup, type SafeHtml } from './html.ts';
import { inputField } from './form-fields.ts';
import { errorSummary } from './layout.ts';
import { pageOf, type StatusSite } from './status-pages.ts';

const back = (name: string) => markup`<p><a href="/status">${name}</a></p>`;

const statusFrame = (site: StatusSite, title: string, body: SafeHtml): string =>
  pageOf(site, title, markup`${back(site.name)}${body}`, statusMessages(site.language));

const wordsOf = (site: StatusSite): SubscriptionMessages =>
  statusMessages(site.language).subscription;

/** The components a subscriber may choose, groups first with their members. */
function componentChoices(
  site: StatusSite,
  components: readonly ShownComponent[],
  chosen: readonly string[],
  errors: FieldError[],
): SafeHtml {
  if (components.length === 0) return markup``;
  const w = wordsOf(site);
  const error = errors.find((e) => e.field.startsWith('components'));
  const box = (c: ShownComponent) => markup`<div>
    <input type="checkbox" id="f-component-${c.id}" name="components" value="${c.id}"${
      chosen.includes(c.id) ? markup` checked` : ''
    } />
    <label for="f-component-${c.id}" class="inline">${c.name}</label>
  </div>`;
  const top = components.filter((c) => c.groupId === null);
  return markup`<fieldset id="f-components" aria-describedby="f-components-hint">
    <legend>${statusMessages(site.language).components}</legend>
    <p class="hint" id="f-components-hint">${w.componentsHint}</p>
    ${error ? markup`<p class="error"><span class="visually-hidden">${w.errorPrefix}: </span>${error.message}</p>` : ''}
    ${top.map(
      (c) =>
        markup`${box(c)}${components.filter((m) => m.groupId === c.id).map((m) => markup`<div class="nested">${box(m)}</div>`)}`,
    )}
  </fieldset>`;
}

export function subscribePage(
  site: StatusSite,
  components: readonly ShownComponent[],
  values: { email: string; components: string[] },
  errors: FieldError[] = [],
): string {
  const w = wordsOf(site);
  return statusFrame(
    site,
    w.subscribeTitle,
    markup`<h1>${w.subscribeTitle}</h1>
      ${errorSummary(errors, w.problem)}
      <p>${w.subscribeIntro}</p>
      <form method="post" action="/status/subscribe" novalidate>
        ${inputField(
          {
            name: 'email',
            label: w.emailLabel,
            type: 'email',
            required: true,
            autocomplete: 'email',
            value: values.email,
            words: w,
          },
          errors,
        )}
        ${componentChoices(site, components, values.components, errors)}
        <button type="submit">${w.subscribe}</button>
      </form>`,
  );
}

export function checkMailPage(site: StatusSite): string {
  const w = wordsOf(site);
  return statusFrame(
    site,
    w.checkMailTitle,
    markup`<h1>${w.checkMailTitle}</h1>
      <p role="status">${w.checkMail}</p>`,
  );
}

export function confirmPage(site: StatusSite, subscriber: StatusSubscriber, token: string): string {
  const w = wordsOf(site);
  const [before, after] = w.confirmQuestion(site.name);
  return statusFrame(
    site,
    w.confirmTitle,
    markup`<h1>${w.confirmTitle}</h1>
      <p>${before}<strong>${subscriber.email}</strong>${after}</p>
      <form method="post" action="/status/subscription/confirm">
        <input type="hidden" name="token" value="${token}" />
        <button type="submit">${w.confirm}</button>
      </form>`,
  );
}

export function managePage(
  site: StatusSite,
  subscriber: StatusSubscriber,
  components: readonly ShownComponent[],
  token: string,
  opts: { notice?: string; errors?: FieldError[] } = {},
): string {
  const w = wordsOf(site);
  const errors = opts.errors ?? [];
  const manage = `/status/subscription?token=${encodeURIComponent(token)}`;
  const leave = `/status/subscription/unsubscribe?token=${encodeURIComponent(token)}`;
  const [before, after] = w.noticesGoTo(site.name);
  return statusFrame(
    site,
    w.manageTitle,
    markup`<h1>${w.manageTitle}</h1>
      ${opts.notice ? markup`<p role="status" class="notice">${opts.notice}</p>` : ''}
      ${errorSummary(errors, w.problem)}
      <p>${before}<strong>${subscriber.email}</strong>${after}</p>
      <form method="post" action="${manage}">
        ${componentChoices(site, components, subscriber.componentIds ?? [], errors)}
        <button type="submit">${w.save}</button>
      </form>
      <h2>${w.unsubscribe}</h2>
      <form method="post" action="${leave}">
        <input type="hidden" name="List-Unsubscribe" value="One-Click" />
        <button type="submit">${w.unsubscribe}</button>
      </form>`,
  );
}

export function unsubscribePage(
  site: StatusSite,
  subscriber: StatusSubscriber,
  token: string,
): string {
  const w = wordsOf(site);
  const leave = `/status/subscription/unsubscribe?token=${encodeURIComponent(token)}`;
  const [before, after] = w.unsubscribeQuestion(site.name);
  return statusFrame(
    site,
    w.unsubscribe,
    markup`<h1>${w.unsubscribe}</h1>
      <p>${before}<strong>${subscriber.email}</strong>${after}</p>
      <form method="post" action="${leave}">
        <input type="hidden" name="List-Unsubscribe" value="One-Click" />
        <button type="submit">${w.unsubscribe}</button>
      </form>`,
  );
}

export function unsubscribedPage(site: StatusSite): string {
  const w = wordsOf(site);
  return statusFrame(
    site,
    w.unsubscribedTitle,
    markup`<h1>${w.unsubscribedTitle}</h1>
      <p role="status">${w.unsubscribed}</p>`,
  );
}
