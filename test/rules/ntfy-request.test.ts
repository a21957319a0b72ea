// ntfy's publish request built from a notice: whatever the text, no header gains a line break
// (header injection), non-ASCII titles are RFC 2047 encoded words, and links that are not
// http(s) are left out rather than written into a header.
import { describe, expect, it } from 'vitest';
import { headerText, ntfyRequest } from '../../src/server/integrations/ntfy-sender.ts';

describe('the ntfy publish request', () => {
  it('keeps every header on one line, whatever the title says', () => {
    const { headers } = ntfyRequest(
      {
        title: 'Down\r\nX-Injected: yes\n\rAuthorization: Bearer stolen\u0000',
        message: 'Line one\nLine two',
        urgent: true,
        links: {
          open: 'https://stopline.example/app/incidents/INC-1',
          acknowledge: 'https://stopline.example/ack?token=a,b; c',
        },
      },
      'tk_secret',
    );
    for (const value of Object.values(headers)) expect(value).not.toMatch(/[\r\n\0]/);
    expect(headers.title).toBe('Down X-Injected: yes Authorization: Bearer stolen');
    expect(headers.authorization).toBe('Bearer tk_secret');
    // Commas and semicolons separate ntfy's action fields: inside a URL they are escaped.
    expect(headers.actions).toBe(
      'view, Acknowledge, https://stopline.example/ack?token=a%2Cb%3B%20c, clear=true',
    );
  });

  it('encodes a title beyond ASCII and leaves out a link that is not http(s)', () => {
    expect(headerText('Zugriff für alle')).toBe(
      `=?UTF-8?B?${Buffer.from('Zugriff für alle').toString('base64')}?=`,
    );
    const { headers, body } = ntfyRequest(
      { title: 'x', message: 'y', urgent: false, links: { open: 'javascript:alert(1)' } },
      null,
    );
    expect(headers).not.toHaveProperty('click');
    expect(headers).not.toHaveProperty('authorization');
    expect(headers.priority).toBe('default');
    expect(body).toBe('y');
  });
});
