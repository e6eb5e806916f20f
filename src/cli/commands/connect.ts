import { KoppelError } from '../../core/errors.js';
import { redirectUriOf, startAuthorization } from '../../engine/connect/start-authorization.js';
import { webhookSubscriptionsJob, webhookSubscriptionsJobSpec } from '../../engine/job-handlers.js';
import type { App } from '../../main.js';
import { ownUrl } from '../../core/config.js';
import { getConnection } from '../../store/repos/connections.js';
import { getOAuthState, type OAuthStateRow } from '../../store/repos/oauth-states.js';
import { cliActor } from '../cli-actor.js';
import type { CliCommand, CliContext } from '../main.js';
import { startOAuthListener } from '../oauth-listener.js';
import { openBrowser } from '../open-browser.js';

interface ConnectOptions {
  port?: string;
  open?: boolean;
  timeout?: string;
}

const pollMs = 500;

export const connectCommand: CliCommand = {
  register(program, ctx) {
    program
      .command('connect <connection>')
      .description(
        'Authorize a connection at Exact Online or Asperion: prints the consent URL and waits until the browser comes back.',
      )
      .option(
        '--port <n>',
        'receive the callback on http://127.0.0.1:<n>/oauth/callback here instead of through the running service',
      )
      .option('--open', 'open the consent page in this machine’s browser (off: works over SSH)')
      .option('--timeout <s>', 'give up after this many seconds (default 600, the authorization’s lifetime)')
      .action(async (connectionId: string, o: ConnectOptions) => {
        const port = o.port === undefined ? undefined : whole('--port', o.port, 0, 65535);
        const timeoutMs = (o.timeout === undefined ? 600 : whole('--timeout', o.timeout, 1, 86_400)) * 1000;
        const app = await ctx.app();
        const connection = await getConnection(app.store.db, connectionId);
        if (!connection)
          throw new KoppelError(`No connection "${connectionId}"`, {
            code: 'connection.not_found',
            kind: 'not_found',
          });
        const listener = port === undefined ? undefined : await startOAuthListener(app.engine, port);
        try {
          const redirectUri = listener?.redirectUri ?? (await serviceRedirectUri(app));
          const started = await startAuthorization(app.engine, {
            connectionId,
            redirectUri,
            actor: cliActor(),
          });
          const title = app.registry.apps.get(connection.app)?.title ?? connection.app;
          ctx.out.write(
            [
              `Connecting ${connectionId} (${title}).`,
              `Redirect URI (register it with the app${connection.app === 'exact-online' ? ' in Exact’s App Center' : ''}):`,
              `  ${started.redirectUri}`,
              `Open this address in a browser and give consent:`,
              `  ${started.authorizeUrl}`,
              '',
            ].join('\n'),
          );
          if (o.open) openBrowser(started.authorizeUrl);
          ctx.err.write(
            `Waiting for the browser to come back (until ${started.expiresAt.slice(11, 16)} UTC; Ctrl-C to stop)…\n`,
          );
          const state = await waitForOutcome(app, started.stateId, timeoutMs);
          if (!state) {
            ctx.out.write('Stopped waiting; nothing was changed.\n');
            ctx.exitCode = 1;
            return;
          }
          await report(app, ctx, state);
        } finally {
          await listener?.close();
        }
      });
  },
};

/**
 * The running service's callback: KOPPEL_PUBLIC_URL, else its own address. It must answer, since
 * it is what receives the browser (and the service and this command share the environment).
 */
async function serviceRedirectUri(app: App): Promise<string> {
  const { host, port, publicUrl } = app.config;
  const own = ownUrl(host, port);
  const startIt = 'start it with `koppel start`, or receive the callback here with --port <n>';
  if (port === 0)
    throw new KoppelError(`KOPPEL_PORT is 0, so the running service cannot be found; ${startIt}`, {
      code: 'connect.no_service',
      kind: 'transient',
    });
  try {
    const res = await fetch(`${own}/healthz`, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(String(res.status));
  } catch {
    throw new KoppelError(`No Koppel service answers at ${own}; ${startIt}`, {
      code: 'connect.no_service',
      kind: 'transient',
    });
  }
  return redirectUriOf(publicUrl ?? own);
}

/**
 * The state once its callback came (whoever served it: the service, or this command's listener),
 * or null when stopped with Ctrl-C.
 */
async function waitForOutcome(app: App, stateId: string, timeoutMs: number): Promise<OAuthStateRow | null> {
  let stopped = false;
  const stop = () => (stopped = true);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const until = Date.now() + timeoutMs;
    while (!stopped) {
      const state = await getOAuthState(app.store.db, stateId);
      if (state?.outcome) return state;
      if (Date.now() >= until)
        throw new KoppelError(
          `No answer from the browser within ${Math.round(timeoutMs / 1000)} seconds; run koppel connect again`,
          { code: 'connect.timeout', kind: 'transient' },
        );
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    return null;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** What the callback made of it, in the terminal; a failure exits as an authorization error. */
async function report(app: App, ctx: CliContext, state: OAuthStateRow): Promise<void> {
  const message = state.outcome_message ?? state.outcome ?? '';
  if (state.outcome === 'failed')
    throw new KoppelError(message, {
      code: 'connect.failed',
      kind: 'auth',
      details: { connectionId: state.connection_id },
    });
  ctx.out.write(`${message}.\n`);
  const publicUrl = app.config.publicUrl;
  if (state.outcome === 'connected' && publicUrl !== undefined) {
    // Webhooks for the new authorization now, not at the next daily check (the service does the same).
    await app.queue.enqueue({
      ...webhookSubscriptionsJobSpec(publicUrl),
      dedupeKey: webhookSubscriptionsJob,
    });
  }
}

function whole(option: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new KoppelError(`${option} must be a whole number from ${min} to ${max}, not "${text}"`, {
      code: 'cli.bad_option',
      kind: 'invalid',
    });
  return n;
}
