import type { FastifyInstance } from 'fastify';
import { formatApiDateTime } from '../domain/api-date.js';
import { findInvoice } from '../control/finalise-invoice.js';
import { requirePackage } from '../http/api-guard.js';
import { baseUrl } from '../http/envelope.js';
import { msg } from '../http/messages.js';
import { parseMultipart } from '../http/multipart-form.js';
import { ProblemError } from '../http/problem-error.js';
import { requireData } from '../http/request-context.js';
import type { SandboxState } from '../state/sandbox-state.js';
import { salesInvoicesWithLinesResource } from './sales-invoices-resource.js';

/** "PDF or image" (§6.4); the extension the file object reports for each. */
const acceptedTypes: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
};

/**
 * POST /v1/salesinvoiceswithlines/{id}/file (§2.4): multipart with field `File`, answered with the
 * file object. The URLs in it point at a sandbox route that serves the bytes back, so a test can
 * check what arrived.
 */
export function registerInvoiceFileRoutes(app: FastifyInstance, state: SandboxState): void {
  app.addContentTypeParser(
    'multipart/form-data',
    { parseAs: 'buffer', bodyLimit: 64 * 1024 * 1024 },
    (_r, body, done) => done(null, body),
  );

  app.post('/v1/salesinvoiceswithlines/:id/file', async (request, reply) => {
    requirePackage(request, salesInvoicesWithLinesResource, state);
    const data = requireData(request);
    const invoice = findInvoice(data, (request.params as { id: string }).id);
    const body = Buffer.isBuffer(request.body) ? request.body : undefined;
    const file =
      body &&
      parseMultipart(body, request.headers['content-type'])?.find((p) => p.name.toLowerCase() === 'file');
    const refuse = (message: ReturnType<typeof msg>) =>
      new ProblemError({
        status: state.settings.validationStatus,
        title: msg('validationTitle'),
        errors: { File: [message] },
      });
    if (!file || file.data.length === 0) throw refuse(msg('fileMissing'));
    const type = file.contentType ?? 'application/octet-stream';
    const extension = acceptedTypes[type];
    if (!extension) throw refuse(msg('fileType', { type }));
    if (file.data.length > state.settings.maxAttachmentBytes) {
      throw refuse(msg('fileTooLarge', { max: state.settings.maxAttachmentBytes }));
    }
    const n = data.nextId('files');
    const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const url = `${baseUrl(request)}/__sandbox/administrations/${data.administration.id}/files/${id}`;
    const record = {
      id,
      name: file.filename ?? `bestand.${extension}`,
      type,
      extension,
      size: file.data.length,
      createdOn: formatApiDateTime(state.clock.now()),
      fileUrl: url,
      fullImageUrl: url,
      thumbnail1Url: url,
      thumbnail2Url: url,
      thumbnail3Url: url,
      salesInvoiceId: invoice['id'],
      bytes: file.data.toString('base64'),
    };
    data.put('files', record);
    const { bytes: _bytes, salesInvoiceId: _invoice, ...shown } = record;
    return reply.code(state.settings.createStatus).send(shown);
  });

  app.get('/__sandbox/administrations/:adm/files/:id', async (request, reply) => {
    const { adm, id } = request.params as { adm: string; id: string };
    const record = state.administrations.get(Number(adm))?.get('files', id);
    if (!record)
      throw new ProblemError({
        status: 404,
        title: msg('notFoundTitle'),
        detail: msg('unknownRoute', { path: id }),
      });
    return reply.type(String(record['type'])).send(Buffer.from(String(record['bytes']), 'base64'));
  });
}
