import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nextAttemptAt, retryAfterMs, webhookSignature } from './deliver.js';
import { documentLines, escapeHtml, renderEmail } from './render.js';
import type { NotificationMessage } from './types.js';

const base: NotificationMessage = {
  id: 'ntf_1',
  kind: 'opened',
  alertId: 'alr_1',
  problemKind: 'flow.failing',
  severity: 'critical',
  subject: '[critical] Shop: orders failing',
  title: 'Orders "failing" & <stuck>',
  why: 'Asperion answered 503.',
  count: 0,
  documents: [],
  pair: null,
  flow: null,
  links: { fix: 'https://k.example/flows/orders?a=1&b=2', acknowledge: null, alert: null },
  fixAction: 'Wait, or pause the flow.',
  cli: null,
  openedAt: null,
  resolvedAt: null,
  at: '2026-03-02T09:00:00.000Z',
};

describe('rendering a notification', () => {
  it('escapes everything that goes into HTML, attributes included', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const { html, text } = renderEmail(base);
    expect(html).toContain('Orders &quot;failing&quot; &amp; &lt;stuck&gt;');
    expect(html).toContain('href="https://k.example/flows/orders?a=1&amp;b=2"');
    expect(text).toContain('New problem: Orders "failing" & <stuck>');
  });

  it('leaves out what a message does not have: documents, CLI, acknowledge link, place', () => {
    const { text } = renderEmail(base);
    expect(text).not.toMatch(/Documents|command line|Acknowledge|Where:/);
  });

  it('names the first documents and how many more, counting those not listed', () => {
    expect(documentLines({ documents: ['a', 'b'], count: 40 })).toEqual({ shown: ['a', 'b'], more: 38 });
    expect(documentLines({ documents: ['a', 'b', 'c', 'd', 'e', 'f'], count: 6 })).toEqual({
      shown: ['a', 'b', 'c', 'd', 'e'],
      more: 1,
    });
    expect(documentLines({ documents: [], count: 0 })).toEqual({ shown: [], more: 0 });
  });
});

describe('webhook signatures and retries', () => {
  it('signs "<t>.<body>" with HMAC-SHA256 under the secret', () => {
    const at = new Date('2026-03-02T09:00:00.500Z');
    const t = Math.floor(at.getTime() / 1000);
    const expected = createHmac('sha256', 'sekrit').update(`${t}.{"a":1}`).digest('hex');
    expect(webhookSignature('sekrit', '{"a":1}', at)).toBe(`t=${t},v1=${expected}`);
  });

  it('reads Retry-After in seconds or as a date, capped at an hour', () => {
    const now = new Date('2026-03-02T09:00:00.000Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Mon, 02 Mar 2026 09:05:00 GMT', now)).toBe(300_000);
    expect(retryAfterMs('999999', now)).toBe(3_600_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });

  it('waits 1, 2, 4 … minutes up to an hour; gives up after 30 attempts or three days after queueing', () => {
    const created_at = '2026-03-02T09:00:00.000Z';
    const now = new Date(created_at);
    expect([1, 2, 3, 6, 7, 12, 29].map((n) => nextAttemptAt({ created_at }, n, now))).toEqual([
      '2026-03-02T09:01:00.000Z',
      '2026-03-02T09:02:00.000Z',
      '2026-03-02T09:04:00.000Z',
      '2026-03-02T09:32:00.000Z',
      '2026-03-02T10:00:00.000Z',
      '2026-03-02T10:00:00.000Z',
      '2026-03-02T10:00:00.000Z',
    ]);
    expect(nextAttemptAt({ created_at }, 30, now)).toBeNull();
    // Held back by quiet hours, its first attempt a day late: still its full retries.
    expect(nextAttemptAt({ created_at }, 1, new Date('2026-03-03T08:00:00.000Z'))).toBe(
      '2026-03-03T08:01:00.000Z',
    );
    expect(nextAttemptAt({ created_at }, 20, new Date('2026-03-05T08:00:00.000Z'))).toBe(
      '2026-03-05T09:00:00.000Z',
    );
    expect(nextAttemptAt({ created_at }, 20, new Date('2026-03-05T08:00:00.001Z'))).toBeNull();
  });
});
