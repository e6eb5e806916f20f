import { STATUS_CODES } from 'node:http';
import { randomUUID } from 'node:crypto';
import { toAmsterdamWallClock } from '../amsterdam-time.js';
import { sandboxUser } from '../credentials.js';
import { mandatoryError } from '../entities/business-errors.js';
import { defineEntity } from '../entities/entity-descriptor.js';
import type { StoredRow } from '../entities/field-types.js';
import { readWriteBody } from '../entities/input-values.js';
import type { AccessToken } from '../oauth/token-store.js';
import { ODataError } from '../odata-error.js';
import type { ApiRequest, ApiResponse } from '../rest/api-exchange.js';
import {
  getCollection,
  getOne,
  notFound,
  parseJsonBody,
  postAnswer,
  readKey,
} from '../rest/entity-handlers.js';
import type { SandboxState } from '../sandbox-state.js';
import { postToCallback } from './callback-post.js';
import { instantTopic } from './webhook-topics.js';

/**
 * webhooks/WebhookSubscriptions (reference 6.1, field list appendix A). The appendix lists PUT,
 * but updates are refused (6.1), so the methods are GET, POST and DELETE. `IsInstant` is `{new}`
 * and must be postable for its rule to mean anything.
 */
export const webhookSubscriptionsEntity = defineEntity({
  path: 'webhooks/WebhookSubscriptions',
  typeName: 'Exact.Web.Api.Models.WebhookSubscription',
  methods: ['GET', 'POST', 'DELETE'],
  pageSize: 60,
  skipAllowed: true,
  fieldList: `
    ID:Guid[KPU], CallbackURL:String[PU!], ClientID:Guid, Created:DateTime, Creator:Guid,
    CreatorFullName:String, Description:String, Division:Int32, Topic:String[PU!],
    IsInstant:Boolean{new}, UserID:String{new}
  `,
});

const pathPattern = /^webhooks\/webhooksubscriptions(?:\(([^)]*)\))?(\/\$count)?$/i;

/** Whether a division path is this endpoint (its POST is asynchronous, so it has its own route). */
export function isWebhookSubscriptionsPath(rest: string): boolean {
  return /^webhooks\/webhooksubscriptions\b/i.test(rest);
}

function invalid(message: string): ODataError {
  // Failed creations are 500s like every other business rule (reference 6.1, 4.6).
  return new ODataError(500, message);
}

/** Probe texts: the reference quotes the unreachable case; non-2xx adds the status' reason phrase. */
function probeFailure(result: { status: number } | { error: string }): ODataError | undefined {
  const prefix = 'Invalid: Post to callback URL endpoint returns';
  if ('error' in result) return invalid(`${prefix} 500 An error occurred while sending the request.`);
  if (result.status >= 200 && result.status < 300) return undefined;
  return invalid(`${prefix} ${result.status} ${STATUS_CODES[result.status] ?? ''}`.trimEnd());
}

async function create(
  division: number,
  req: ApiRequest,
  token: AccessToken,
  state: SandboxState,
): Promise<ApiResponse> {
  const entity = webhookSubscriptionsEntity;
  const settings = state.settings;
  const input = readWriteBody(parseJsonBody(req), entity.fields, 'POST', settings).row;
  for (const field of ['CallbackURL', 'Topic']) {
    if (typeof input[field] !== 'string' || String(input[field]).trim() === '')
      throw mandatoryError(settings, field);
  }
  const topic = String(input['Topic']);
  const callbackUrl = String(input['CallbackURL']);
  if (input['IsInstant'] === true && topic.toLowerCase() !== instantTopic.toLowerCase())
    throw invalid(`Invalid: IsInstant is only allowed for topic ${instantTopic}`);
  const url = URL.canParse(callbackUrl) ? new URL(callbackUrl) : undefined;
  if (!url || (url.protocol !== 'https:' && (settings.webhookRequireHttps || url.protocol !== 'http:')))
    throw invalid('Invalid: CallbackURL must be an HTTPS URL');
  const clientId = token.grant.clientId;
  // One per topic per app per division; the quoted text is English whatever the user's language (6.1).
  const checkTaken = () => {
    const taken = state.webhooks
      .subscriptionsOf(clientId, division)
      .some((s) => String(s.record.row['Topic']).toLowerCase() === topic.toLowerCase());
    if (taken) throw invalid('Data already exists');
  };
  checkTaken();
  const probe = await postToCallback(callbackUrl, '', settings.webhookTimeoutMs);
  const failure = probeFailure(probe);
  if (failure) throw failure;
  // Again after the probe: a concurrent create of the same topic may have finished meanwhile.
  checkTaken();
  const now = toAmsterdamWallClock(state.clock.now());
  const row: StoredRow = {
    ID: typeof input['ID'] === 'string' ? input['ID'] : randomUUID(),
    CallbackURL: callbackUrl,
    ClientID: clientId,
    Created: now,
    Creator: sandboxUser.userId,
    CreatorFullName: sandboxUser.fullName,
    Description: null,
    Division: division,
    Topic: topic,
    IsInstant: input['IsInstant'] === true,
    UserID: token.grant.userId,
  };
  const record = { row, children: {}, timestamp: 0 };
  state.webhooks.add({ record, divisionUrl: req.divisionUrl });
  return postAnswer(entity, record, req, settings);
}

/** GET (the caller's subscriptions only), POST (probe first), DELETE; no PUT (reference 6.1). */
export async function answerWebhookSubscriptions(
  division: number,
  rest: string,
  req: ApiRequest,
  token: AccessToken,
  state: SandboxState,
): Promise<ApiResponse> {
  const m = pathPattern.exec(rest);
  if (!m || !state.division(division)) throw notFound();
  const [, keyText, count] = m;
  const entity = webhookSubscriptionsEntity;
  const mine = state.webhooks.subscriptionsOf(token.grant.clientId, division);
  if (!['GET', 'POST', 'DELETE'].includes(req.method)) throw new ODataError(405, 'Method not allowed');
  if (keyText === undefined) {
    if (req.method === 'GET')
      return getCollection(
        entity,
        mine.map((s) => s.record),
        req,
        state.settings,
        count !== undefined,
      );
    if (req.method === 'POST' && count === undefined) return create(division, req, token, state);
    throw new ODataError(405, 'Method not allowed');
  }
  if (count !== undefined) throw notFound();
  if (req.method === 'POST') throw new ODataError(405, 'Method not allowed');
  const key = readKey(entity, keyText);
  const found = mine.find((s) => s.record.row['ID'] === key);
  if (req.method === 'GET') return getOne(entity, found?.record, req);
  if (!found) throw notFound();
  state.webhooks.remove(found);
  return { status: 204, empty: true };
}
