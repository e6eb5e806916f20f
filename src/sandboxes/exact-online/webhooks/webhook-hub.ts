import { createHmac, randomUUID } from 'node:crypto';
import type { Clock } from '../../../core/clock.js';
import { toAmsterdamWallClock, toExactDate } from '../amsterdam-time.js';
import { defaultExactWebhookSecret } from '../credentials.js';
import type { StoredRecord, WriteEvent } from '../entities/entity-store.js';
import { keySegment } from '../odata/row-json.js';
import type { ExactSettings } from '../settings.js';
import { postToCallback, type CallbackResult } from './callback-post.js';
import { topicCovers } from './webhook-topics.js';

/** A stored subscription and the division URL it was made on (the host deliveries point at). */
export interface Subscription {
  record: StoredRecord;
  divisionUrl: string;
}

export type DeliveryAttempt = { at: string } & CallbackResult;

export interface Delivery {
  id: string;
  subscriptionId: string;
  callbackUrl: string;
  topic: string;
  division: number;
  action: WriteEvent['action'];
  key: string;
  /** The exact bytes sent, `{"Content":…,"HashCode":"…"}`. */
  body: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: DeliveryAttempt[];
  /** ISO instant of the next attempt by the sandbox clock; null once delivered or given up. */
  nextAttemptAt: string | null;
}

/** Settled deliveries kept for the control API; older ones are dropped so a long run stays small. */
const keptSettled = 1000;

/** How often the running sandbox looks for due deliveries (by its own clock, which may be moved). */
const pollIntervalMs = 1000;

/**
 * Webhook subscriptions and the delivery queue of one sandbox (reference 6). Every write of a
 * subscribed entity queues a signed delivery that is sent at once; failures are retried with
 * doubling delays by the sandbox clock, either by the poll timer or by `deliverDue` (the control
 * API's deliver call), which also waits for attempts already under way so tests see a settled queue.
 */
export class WebhookHub {
  private subscriptions: Subscription[] = [];
  private deliveries: Delivery[] = [];
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Bumped on reset: answers to attempts started before it are dropped. */
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly closing = new AbortController();

  constructor(
    private readonly clock: Clock,
    private readonly settings: () => ExactSettings,
  ) {}

  clear(): void {
    this.generation += 1;
    this.subscriptions = [];
    this.deliveries = [];
  }

  /** The subscriptions of one app in one division (GET lists only the caller's, reference 6.1). */
  subscriptionsOf(clientId: string, division: number): Subscription[] {
    return this.subscriptions.filter(
      (s) => s.record.row['ClientID'] === clientId && s.record.row['Division'] === division,
    );
  }

  allSubscriptions(): Subscription[] {
    return [...this.subscriptions];
  }

  add(subscription: Subscription): void {
    this.subscriptions.push(subscription);
  }

  remove(subscription: Subscription): void {
    this.subscriptions = this.subscriptions.filter((s) => s !== subscription);
  }

  list(): Delivery[] {
    return this.deliveries;
  }

  clearDeliveries(): void {
    this.deliveries = [];
  }

  /** A write in `division`: one delivery per subscription whose topic covers the entity. */
  entityWritten(division: number, event: WriteEvent): void {
    for (const sub of this.subscriptions) {
      const row = sub.record.row;
      if (row['Division'] !== division || !topicCovers(String(row['Topic']), event.path)) continue;
      const delivery = this.newDelivery(sub, event);
      this.deliveries.push(delivery);
      void this.attempt(delivery);
    }
    this.pruneSettled();
  }

  private pruneSettled(): void {
    let excess = this.deliveries.filter((d) => d.state !== 'pending').length - keptSettled;
    if (excess <= 0) return;
    this.deliveries = this.deliveries.filter((d) => d.state === 'pending' || excess-- <= 0);
  }

  /** Attempt every delivery due by the sandbox clock and wait for all attempts under way. */
  async deliverDue(): Promise<Delivery[]> {
    const now = this.clock.now().getTime();
    const due = this.deliveries.filter(
      (d) => d.state === 'pending' && d.nextAttemptAt !== null && Date.parse(d.nextAttemptAt) <= now,
    );
    for (const d of due) void this.attempt(d);
    await Promise.all([...this.inFlight.values()]);
    return due;
  }

  /** Start the poll timer (the running sandbox); unref'd so it never keeps a process alive. */
  start(): void {
    this.timer ??= setInterval(() => void this.deliverDue(), pollIntervalMs).unref();
  }

  /** Stop the timer and cut attempts under way. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.closing.abort();
    await Promise.all([...this.inFlight.values()]);
  }

  private newDelivery(sub: Subscription, event: WriteEvent): Delivery {
    const row = sub.record.row;
    const settings = this.settings();
    const division = Number(row['Division']);
    const action = event.action === 'Create' ? settings.webhookCreateAction : event.action;
    const entityPath = event.path;
    const wall = toAmsterdamWallClock(this.clock.now());
    // Field order as in the captured payload (reference 6.3); the HashCode covers these exact bytes.
    const content = JSON.stringify({
      Topic: row['Topic'],
      ClientId: row['ClientID'],
      Division: division,
      Action: action,
      Key: event.key,
      ExactOnlineEndpoint: `${sub.divisionUrl}${entityPath}${keySegment(/^\d+$/.test(event.key) ? Number(event.key) : event.key)}`,
      EventCreatedOn: settings.webhookEventCreatedOn === 'iso' ? wall : toExactDate(wall),
    });
    const hash = createHmac('sha256', defaultExactWebhookSecret).update(content, 'utf8').digest('hex');
    return {
      id: randomUUID(),
      subscriptionId: String(row['ID']),
      callbackUrl: String(row['CallbackURL']),
      topic: String(row['Topic']),
      division,
      action,
      key: event.key,
      body: `{"Content":${content},"HashCode":"${hash.toUpperCase()}"}`,
      state: 'pending',
      attempts: [],
      nextAttemptAt: this.clock.now().toISOString(),
    };
  }

  /** One attempt; at most one per delivery at a time. */
  private attempt(delivery: Delivery): Promise<void> {
    const running = this.inFlight.get(delivery.id);
    if (running) return running;
    const generation = this.generation;
    const attempt = (async () => {
      const at = this.clock.now();
      const settings = this.settings();
      const result = await postToCallback(
        delivery.callbackUrl,
        delivery.body,
        settings.webhookTimeoutMs,
        this.closing.signal,
      );
      if (generation !== this.generation || this.closing.signal.aborted) return;
      delivery.attempts.push({ at: at.toISOString(), ...result });
      if ('status' in result && result.status >= 200 && result.status < 300) {
        delivery.state = 'delivered';
        delivery.nextAttemptAt = null;
        return;
      }
      const retriesDone = delivery.attempts.length - 1;
      if (retriesDone >= settings.webhookRetryAttempts) {
        delivery.state = 'failed';
        delivery.nextAttemptAt = null;
        return;
      }
      const delayMs = settings.webhookRetryBaseMinutes * 60_000 * 2 ** retriesDone;
      delivery.nextAttemptAt = new Date(at.getTime() + delayMs).toISOString();
    })().finally(() => this.inFlight.delete(delivery.id));
    this.inFlight.set(delivery.id, attempt);
    return attempt;
  }
}
