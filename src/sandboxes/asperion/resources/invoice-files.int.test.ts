import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSandbox } from '../testing/test-sandbox.js';
import { startTestSandbox } from '../testing/test-sandbox.js';

describe('Asperion sandbox invoice attachments (§2.4)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox();
  });
  afterAll(() => sb.close());

  async function upload(
    invoiceId: number | string,
    file?: { bytes: string; type: string; name: string },
    field = 'File',
  ) {
    const form = new FormData();
    if (file) form.append(field, new Blob([file.bytes], { type: file.type }), file.name);
    else form.append('note', 'geen bestand');
    const response = await fetch(`${sb.url}/v1/salesinvoiceswithlines/${invoiceId}/file`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${sb.token}` },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const pdf = { bytes: '%PDF-1.4 factuur 2025-0001', type: 'application/pdf', name: 'factuur.pdf' };

  it('attaches a PDF in the File field and answers the file object whose URL serves the same bytes', async () => {
    const { status, body } = await upload(1, pdf);
    expect(status).toBe(201);
    expect(body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'factuur.pdf',
      type: 'application/pdf',
      extension: 'pdf',
      size: pdf.bytes.length,
      createdOn: '2026-01-15T09:00:00',
    });
    const served = await fetch(String(body['fileUrl']));
    expect(await served.text()).toBe(pdf.bytes);
  });

  it('refuses a missing file, a type that is no PDF or image, and a file over maxAttachmentBytes', async () => {
    expect((await upload(1)).body['errors']).toHaveProperty('File');
    expect(
      (await upload(1, { bytes: 'MZ', type: 'application/x-msdownload', name: 'virus.exe' })).status,
    ).toBe(400);
    await sb.call('PUT', '/__sandbox/settings', { body: { maxAttachmentBytes: 10 } });
    const big = await upload(1, pdf);
    await sb.call('PUT', '/__sandbox/settings', { body: { maxAttachmentBytes: 10 * 1024 * 1024 } });
    expect(big.status).toBe(400);
  });

  it('answers 404 for an unknown invoice', async () => {
    expect((await upload(9999, pdf)).status).toBe(404);
  });
});
