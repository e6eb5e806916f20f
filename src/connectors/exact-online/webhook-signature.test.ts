import { describe, expect, it } from 'vitest';
import { verifyExactWebhook } from './webhook-signature.js';

// Computed outside this code base: printf '%s' "$CONTENT" | openssl dgst -sha256 -hmac 'sandbox-webhook-secret'
const content = `{"Topic":"SalesOrders","ClientId":"9f1c2b7e-3d4a-4e5f-8a6b-0c1d2e3f4a5b","Division":441609,"Action":"Update","Key":"5b3d0f52-1e7a-4c1b-9a8e-2f6d7c8b9a01","ExactOnlineEndpoint":"https://start.exactonline.nl/api/v1/441609/salesorder/SalesOrders(guid'5b3d0f52-1e7a-4c1b-9a8e-2f6d7c8b9a01')","EventCreatedOn":"2026-03-10T10:26:08.587"}`;
const hash = '52AF379EB1728254AD3EB5541A3A6A61CDBADCF20F0CEA86748E933CEF6D1A79';
const secret = 'sandbox-webhook-secret';
const body = (c: string, h: string) => `{"Content":${c},"HashCode":"${h}"}`;

describe('Exact Online webhook signatures', () => {
  it('accepts a delivery signed with the webhook secret, and returns its content', () => {
    const check = verifyExactWebhook(body(content, hash), secret);
    expect(check).toEqual({
      ok: true,
      content: expect.objectContaining({ Topic: 'SalesOrders', Division: 441609, Action: 'Update' }),
    });
  });

  it('compares the hex case-insensitively', () => {
    expect(verifyExactWebhook(body(content, hash.toLowerCase()), secret).ok).toBe(true);
  });

  it('refuses a changed content, another secret, and a re-serialised body', () => {
    expect(verifyExactWebhook(body(content.replace('Update', 'Delete'), hash), secret)).toEqual({
      ok: false,
      problem: 'signature',
      reason: 'the signature does not match',
    });
    expect(verifyExactWebhook(body(content, hash), 'the-oauth-client-secret').ok).toBe(false);
    const reserialised = body(JSON.stringify(JSON.parse(content), null, 1), hash);
    expect(verifyExactWebhook(reserialised, secret).ok).toBe(false);
  });

  it('says what is wrong with something that is not a delivery', () => {
    expect(verifyExactWebhook('{"hello":1}', secret)).toEqual({
      ok: false,
      problem: 'malformed',
      reason: 'not an Exact Online webhook delivery',
    });
    expect(verifyExactWebhook(body(content, 'abc'), secret)).toEqual({
      ok: false,
      problem: 'signature',
      reason: 'HashCode is missing or not 64 hex characters',
    });
    expect(verifyExactWebhook('{"Content":{"Topic":,"HashCode":"x"}', secret).ok).toBe(false);
  });
});
