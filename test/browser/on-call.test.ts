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
});
