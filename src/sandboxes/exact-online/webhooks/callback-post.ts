import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export type CallbackResult = { status: number } | { error: string };

/**
 * POST `body` to a webhook callback and report its status, or why nothing came back. No pooled
 * connection is kept (`agent: false`) and the one timer is cleared on every outcome, so a closed
 * sandbox leaves nothing behind.
 */
export function postToCallback(
  url: string,
  body: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<CallbackResult> {
  return new Promise((resolve) => {
    if (!URL.canParse(url)) return resolve({ error: 'invalid URL' });
    const target = new URL(url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      return resolve({ error: 'unsupported scheme' });
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    const finish = (result: CallbackResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = send(
      target,
      {
        method: 'POST',
        agent: false,
        ...(signal ? { signal } : {}),
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        finish({ status: res.statusCode ?? 0 });
      },
    );
    const timer = setTimeout(() => {
      finish({ error: `no answer within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (error) => finish({ error: error.message }));
    req.end(body);
  });
}
