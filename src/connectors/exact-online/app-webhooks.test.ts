import { describe, expect, it } from 'vitest';
import { sampleDelivery } from '../../testing/exact-webhook-sample.js';
import { exactOnlineApp } from './app.js';

const { body } = sampleDelivery;
const webhooks = exactOnlineApp.webhooks!;
const connection = (division: number, credentials: Record<string, string>) => ({
  settings: { clientId: '9f1c2b7e-3d4a-4e5f-8a6b-0c1d2e3f4a5b', division },
  credentials,
});

describe('Exact Online connections receive webhooks', () => {
  it('reads a delivery signed with the connection’s webhook secret', () => {
    expect(webhooks.callbackSegment).toBe('exact');
    expect(
      webhooks.readDelivery(body, connection(3215711, { webhookSecret: 'sandbox-webhook-secret' })),
    ).toEqual({
      topic: 'SalesInvoices',
      action: 'Create',
      key: '0c000000-0000-4000-8000-0000000000aa',
      // 2026-03-10T10:26:08.587 in Amsterdam (CET, UTC+1), reference 6.3.
      eventAt: '2026-03-10T09:26:08.587Z',
    });
  });

  it('says when a delivery is for another division than the connection works in', () => {
    expect(
      webhooks.readDelivery(body, connection(441609, { webhookSecret: 'sandbox-webhook-secret' })).mismatch,
    ).toBe('the delivery is for division 3215711, the connection works in 441609');
  });

  it('refuses a delivery it cannot verify: another secret, or none stored', () => {
    expect(() =>
      webhooks.readDelivery(body, connection(3215711, { webhookSecret: 'another-secret' })),
    ).toThrow(expect.objectContaining({ code: 'exact.webhook_signature', kind: 'auth' }));
    expect(() => webhooks.readDelivery(body, connection(3215711, {}))).toThrow(
      expect.objectContaining({ code: 'exact.webhook_no_secret', kind: 'auth' }),
    );
  });
});
