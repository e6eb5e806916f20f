/**
 * Test-only: one Exact Online webhook delivery for a sales invoice in division 3215711, signed
 * outside this code base with the sandbox's webhook secret:
 * printf '%s' "$CONTENT" | openssl dgst -sha256 -hmac 'sandbox-webhook-secret'
 */
export const sampleDelivery = {
  division: 3215711,
  key: '0c000000-0000-4000-8000-0000000000aa',
  body: `{"Content":{"Topic":"SalesInvoices","ClientId":"9f1c2b7e-3d4a-4e5f-8a6b-0c1d2e3f4a5b","Division":3215711,"Action":"Create","Key":"0c000000-0000-4000-8000-0000000000aa","ExactOnlineEndpoint":"https://start.exactonline.nl/api/v1/3215711/salesinvoice/SalesInvoices(guid'0c000000-0000-4000-8000-0000000000aa')","EventCreatedOn":"2026-03-10T10:26:08.587"},"HashCode":"A778E907491319B70BD2396564C66039C6C67D3641722049EE9977D03505FE05"}`,
} as const;
