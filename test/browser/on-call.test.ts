// The On call page in a real browser (issue 21, item 2), at 1280 and 375 px with axe: a viewer
// sees who is on call now on the schedule and until when, the next hand-offs with the override
// that covers part of the rotation, the overrides to come and the rotation's members in order,
// and downloads their own shifts as iCalendar. A security lead adds an override with the form: the
// picker lists only eligible people, a range in the past is refused naming the field, and a good
// one shows among the hand-offs.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { createUser, loginAs } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  type BrowserApp,
  closeBrowserSuite,
  launchBrowser,
  PHONE,
  requestsToOtherHosts,
  signedInPage,
  startBrowserApp,
} from '../helpers/browser.ts';

let t: BrowserApp;
let browser: Browser;
beforeAll(async () => {
  t = await startBrowserApp({ clock: new FakeClock('2026-03-02T10:00:00Z') });
  browser = await launchBrowser();
});
afterAll(() => closeBrowserSuite({ t, browser }));

describe('the On call page', () => {
  it('shows who is on call now, the next hand-offs and the overrides, and my shifts', async () => {
    const lead = await loginAs(t, 'security_lead');
    const rae = await createUser(t, { roles: ['responder'], displayName: 'Rae Responder' });
    const sam = await createUser(t, { roles: ['responder'], displayName: 'Sam Responder' });
    const viewer = await createUser(t, { roles: ['viewer'], displayName: 'Vic Viewer' });
    const call = async (url: string, payload: object) => {
      const res = await t.app.inject({ method: 'POST', url, headers: lead.headers, payload });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { id: string };
    };
    const { id } = await call('/api/v1/on-call/schedules', {
      name: 'Security on call',
      rotation: {
        timeZone: 'UTC',
        startsOn: '2026-03-02',
        shifts: [{ start: '00:00', length: '1d' }],
        members: [rae.id, sam.id],
      },
    });
    await call(`/api/v1/on-call/schedules/${id}/overrides`, {
      userId: sam.id,
      from: '2026-03-02T12:00:00Z',
      to: '2026-03-02T14:00:00Z',
      reason: 'Rae <b>at the dentist</b>',
    });

    for (const viewport of [undefined, PHONE]) {
      const { context, page } = await signedInPage(browser, t.baseUrl, viewer, viewport);
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'On call' })
        .click();
      await page.getByRole('heading', { name: 'On call', level: 1 }).waitFor();
      await page.getByRole('heading', { name: 'Security on call', level: 2 }).waitFor();
      expect(await page.getByTestId('on-call-now').textContent()).toMatch(
        /^Rae Responder is on call now, until /,
      );
      const next = page.getByTestId('on-call-next').locator('tbody tr');
      expect(await next.count()).toBeGreaterThanOrEqual(3);
      expect(await next.nth(0).textContent()).toMatch(/Sam Responder.*Override/);
      expect(await next.nth(1).textContent()).toMatch(/Rae Responder.*Rotation/);
      expect(await next.nth(2).textContent()).toMatch(/Sam Responder.*Rotation/);
      // The reason is text, not markup.
      await page.getByText('Rae <b>at the dentist</b>').waitFor();
      expect(await page.locator('main b').count()).toBe(0);
      expect(await page.locator('main ol li').allTextContents()).toEqual([
        'Rae Responder',
        'Sam Responder',
      ]);
      expect(await accessibilityViolations(page)).toEqual([]);
      if (viewport === PHONE) {
        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
          PHONE.width,
        );
      }
      expect(requestsToOtherHosts(context)).toEqual([]);
      await context.close();
    }

    // Sam downloads their shifts: the override and the rotation's days.
    const { context, page } = await signedInPage(browser, t.baseUrl, sam);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'On call' })
      .click();
    const link = page.getByRole('link', { name: 'Download my shifts (iCalendar)' });
    const href = await link.getAttribute('href');
    expect(href).toBe(`/api/v1/on-call/people/${sam.id}/shifts.ics`);
    const calendar = await page.evaluate(async (url) => {
      const res = await fetch(url);
      return { type: res.headers.get('content-type'), body: await res.text() };
    }, href!);
    expect(calendar.type).toMatch(/^text\/calendar/);
    expect(calendar.body).toContain('DTSTART:20260302T120000Z');
    expect(calendar.body).toContain('DTSTART:20260303T000000Z');
    expect(calendar.body).toContain(`URL;VALUE=URI:${t.baseUrl}/app/on-call`);
    await context.close();
  }, 90_000);

  it('a security lead adds an override from the page', async () => {
    const lead = await createUser(t, { roles: ['security_lead'], displayName: 'Lee Lead' });
    const { context, page } = await signedInPage(browser, t.baseUrl, lead);
    await page.goto(`${t.baseUrl}/app/on-call`);
    const form = page.getByRole('region', { name: 'Add an override' });
    const picker = form.getByLabel('Who covers');
    await picker.locator('option', { hasText: 'Sam Responder' }).waitFor({ state: 'attached' });
    const names = await picker.locator('option').allTextContents();
    expect(names).toContain('Lee Lead');
    expect(names).not.toContain('Vic Viewer');
    await picker.selectOption({ label: 'Sam Responder' });
    await form.getByLabel('From').fill('2026-03-01T08:00');
    await form.getByLabel('To').fill('2026-03-01T09:00');
    await form.getByRole('button', { name: 'Add the override' }).click();
    await form.getByRole('alert').getByText('is in the past').first().waitFor();
    await form.getByLabel('From').fill('2026-03-02T16:00');
    await form.getByLabel('To').fill('2026-03-02T17:00');
    await form.getByRole('button', { name: 'Add the override' }).click();
    await form.getByText('The override on Security on call is added.').waitFor();
    expect(await page.evaluate('document.activeElement?.textContent')).toBe(
      'The override on Security on call is added.',
    );
    const rows = page.getByTestId('on-call-next').locator('tbody tr');
    // Sam now covers twice: 12:00–14:00 (added before) and 16:00–17:00.
    await expect
      .poll(
        async () =>
          (await rows.allTextContents()).filter((r) => /Sam Responder.*Override/.test(r)).length,
      )
      .toBe(2);
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();
  }, 90_000);

  it('a security lead creates, changes and removes a schedule from the page; a viewer cannot', async () => {
    const lead = await createUser(t, { roles: ['security_lead'], displayName: 'Lou Lead' });
    await createUser(t, { roles: ['responder'], displayName: 'Ola Responder' });
    for (const viewport of [undefined, PHONE]) {
      const { context, page } = await signedInPage(browser, t.baseUrl, lead, viewport);
      await page.goto(`${t.baseUrl}/app/on-call`);
      await page.getByRole('button', { name: 'New schedule' }).click();
      const form = page.getByRole('form', { name: 'New schedule' });
      const name = viewport ? 'Night watch (phone)' : 'Night watch';
      await form.getByLabel('Name').fill(name);
      await form.getByLabel('Time zone of the hand-offs').selectOption('Europe/Berlin');
      await form.getByLabel('First day of the rotation').fill('2026-03-09');
      await form.getByLabel('Shift 1 hand-off time').fill('09:00');
      await form.getByLabel('Shift 1 length').fill('12h');
      await form.getByRole('button', { name: 'Add a shift' }).click();
      await form.getByLabel('Shift 2 hand-off time').fill('21:00');
      // 12 h + 10 h leave a gap before the pattern starts again: refused, the field in words.
      await form.getByLabel('Shift 2 length').fill('10h');
      const picker = form.getByLabel('Add a member');
      await picker.locator('option', { hasText: 'Ola Responder' }).waitFor({ state: 'attached' });
      expect(await picker.locator('option').allTextContents()).not.toContain('Vic Viewer');
      await picker.selectOption({ label: 'Ola Responder' });
      await form.getByRole('button', { name: 'Add to the rotation' }).click();
      await picker.selectOption({ label: 'Lou Lead' });
      await form.getByRole('button', { name: 'Add to the rotation' }).click();
      await form.getByRole('button', { name: 'Move Lou Lead up' }).click();
      expect(await form.getByRole('list', { name: 'Members in turn' }).locator('li').count()).toBe(
        2,
      );
      expect(await accessibilityViolations(page)).toEqual([]);
      if (viewport === PHONE) {
        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
          PHONE.width,
        );
      }
      await form.getByRole('button', { name: 'Create the schedule' }).click();
      const alert = form.getByRole('alert');
      await alert.getByText('Rotation shifts #2 length').waitFor();
      expect(await alert.textContent()).toContain('gap');
      await form.getByLabel('Shift 2 length').fill('12h');
      await form.getByRole('button', { name: 'Create the schedule' }).click();
      await page.getByText(`${name} is created.`).waitFor();
      expect(await page.evaluate('document.activeElement?.textContent')).toBe(
        `${name} is created.`,
      );
      const section = page.getByRole('region', { name, exact: true });
      await expect
        .poll(() => section.locator('ol li').allTextContents())
        .toEqual(['Lou Lead', 'Ola Responder']);
      expect(await section.textContent()).toContain('Hand-offs in Europe/Berlin: 09:00 for 12h');

      // A change: Ola first; saved and shown.
      await section.getByRole('button', { name: 'Change this schedule' }).click();
      const change = section.getByRole('form', { name: `Change ${name}` });
      await change.getByRole('button', { name: 'Move Ola Responder up' }).click();
      await change.getByRole('button', { name: 'Save the schedule' }).click();
      await page.getByText(`${name} is saved.`).waitFor();
      await expect
        .poll(() => section.locator('ol li').allTextContents())
        .toEqual(['Ola Responder', 'Lou Lead']);

      // Removing asks first; then the schedule is gone from the page, its record kept.
      await section.getByRole('button', { name: 'Remove this schedule' }).click();
      await section.getByRole('button', { name: `Yes, remove ${name}` }).click();
      await page.getByText(`${name} is removed.`).waitFor();
      await section.waitFor({ state: 'detached' });
      await context.close();
    }
    const listed = await t.app.inject({
      method: 'GET',
      url: '/api/v1/on-call',
      headers: (await loginAs(t, 'security_lead')).headers,
    });
    expect(listed.json().items.map((s: { name: string }) => s.name)).not.toContain('Night watch');

    // A viewer reads the page but is offered no change.
    const viewer = await createUser(t, { roles: ['viewer'] });
    const { context, page } = await signedInPage(browser, t.baseUrl, viewer);
    await page.goto(`${t.baseUrl}/app/on-call`);
    await page.getByRole('heading', { name: 'Security on call', level: 2 }).waitFor();
    expect(await page.getByRole('button', { name: 'New schedule' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Change this schedule' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Remove/ }).count()).toBe(0);
    await context.close();
  }, 180_000);

  it('a security lead removes an override from the table', async () => {
    const lead = await createUser(t, { roles: ['security_lead'], displayName: 'Lia Lead' });
    const { context, page } = await signedInPage(browser, t.baseUrl, lead);
    await page.goto(`${t.baseUrl}/app/on-call`);
    const section = page.getByRole('region', { name: 'Security on call', exact: true });
    const removes = section.getByRole('button', { name: /^Remove the override of Sam Responder/ });
    await expect.poll(() => removes.count()).toBe(2);
    await removes.first().click();
    await page.getByText('The override on Security on call is removed.').waitFor();
    await expect.poll(() => removes.count()).toBe(1);
    await context.close();
  }, 90_000);
});
