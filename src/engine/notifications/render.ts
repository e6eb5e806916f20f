import type { NotificationMessage } from './types.js';

/**
 * How a queued message reads on each channel. Everything here is a pure function of the message,
 * so a retry sends exactly what the first attempt sent.
 */

/** Documents named in a message before "and N more": enough to recognise, short enough to read. */
export const shownDocuments = 5;

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** `2026-03-04 09:15 UTC`: one form for every reader, whatever their mail client's time zone. */
export function displayTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The documents line by line, and how many more there are (the count may exceed the list). */
export function documentLines(m: Pick<NotificationMessage, 'documents' | 'count'>): {
  shown: string[];
  more: number;
} {
  const shown = m.documents.slice(0, shownDocuments);
  return { shown, more: Math.max(0, m.count, m.documents.length) - shown.length };
}

/** One sentence on what this message is: new, still going on, cleared, or a test. */
export function headline(m: NotificationMessage): string {
  switch (m.kind) {
    case 'opened':
      return `New problem: ${m.title}`;
    case 'digest':
      return `Still going on${m.openedAt ? ` since ${displayTime(m.openedAt)}` : ''}: ${m.title}`;
    case 'resolved':
      return `Cleared${m.resolvedAt ? ` at ${displayTime(m.resolvedAt)}` : ''}: ${m.title}`;
    case 'test':
      return `Test message from Koppel: ${m.title}`;
  }
}

function where(m: NotificationMessage): string | null {
  const parts = [m.pair && `pair ${m.pair.name}`, m.flow && `flow ${m.flow.name}`].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : null;
}

export function renderEmail(m: NotificationMessage): RenderedEmail {
  const { shown, more } = documentLines(m);
  const place = where(m);
  const resolved = m.kind === 'resolved';
  const text: string[] = [headline(m), ''];
  if (place) text.push(`Where: ${place}`);
  text.push(`Severity: ${m.severity}`);
  if (m.openedAt) text.push(`Since: ${displayTime(m.openedAt)}`);
  if (resolved && m.resolvedAt) text.push(`Cleared: ${displayTime(m.resolvedAt)}`);
  text.push('', `Why: ${m.why}`);
  if (shown.length > 0 || more > 0) {
    text.push('', `Documents (${Math.max(m.count, m.documents.length)}):`);
    for (const d of shown) text.push(`  - ${d}`);
    if (more > 0) text.push(`  and ${more} more`);
  }
  if (!resolved) {
    text.push('', `How to fix it: ${m.fixAction}`, `  In Koppel: ${m.links.fix}`);
    if (m.cli) text.push(`  On the command line: ${m.cli}`);
    if (m.links.acknowledge) text.push('', `Acknowledge (stops reminders): ${m.links.acknowledge}`);
  } else {
    text.push('', 'Nothing more to do; Koppel found the problem gone on its own check.');
    text.push(`  Details: ${m.links.alert ?? m.links.fix}`);
  }
  text.push('', '-- ', 'Koppel');

  const h = escapeHtml;
  const link = (url: string, label: string) => `<a href="${h(url)}">${h(label)}</a>`;
  const html: string[] = [
    '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.4">',
    `<h2 style="margin: 0 0 0.5em">${h(headline(m))}</h2>`,
    '<p>',
  ];
  if (place) html.push(`Where: ${h(place)}<br>`);
  html.push(`Severity: ${h(m.severity)}<br>`);
  if (m.openedAt) html.push(`Since: ${h(displayTime(m.openedAt))}<br>`);
  if (resolved && m.resolvedAt) html.push(`Cleared: ${h(displayTime(m.resolvedAt))}<br>`);
  html.push('</p>', `<p><strong>Why:</strong> ${h(m.why)}</p>`);
  if (shown.length > 0 || more > 0) {
    html.push(`<p>Documents (${Math.max(m.count, m.documents.length)}):</p><ul>`);
    for (const d of shown) html.push(`<li>${h(d)}</li>`);
    if (more > 0) html.push(`<li>and ${more} more</li>`);
    html.push('</ul>');
  }
  if (!resolved) {
    html.push(
      `<p><strong>How to fix it:</strong> ${h(m.fixAction)}<br>${link(m.links.fix, 'Open in Koppel')}</p>`,
    );
    if (m.cli) html.push(`<p>On the command line:<br><code>${h(m.cli)}</code></p>`);
    if (m.links.acknowledge)
      html.push(`<p>${link(m.links.acknowledge, 'Acknowledge')} (stops reminders about this problem)</p>`);
  } else {
    html.push(
      `<p>Nothing more to do; Koppel found the problem gone on its own check. ${link(m.links.alert ?? m.links.fix, 'Details')}</p>`,
    );
  }
  html.push('<p style="color: #666">Koppel</p></body></html>');
  return { subject: m.subject, text: text.join('\n'), html: html.join('\n') };
}

export function escapeHtml(s: string): string {
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Koppel's own webhook body; `type` lets a receiver route without reading the message. */
export function jsonWebhookBody(m: NotificationMessage): { type: string; message: NotificationMessage } {
  return { type: `koppel.alert.${m.kind}`, message: m };
}

/** Slack's mrkdwn treats these three as markup; everything else is literal. */
function slackEscape(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** A Slack incoming-webhook body: `text` for notifications and old clients, `blocks` to read. */
export function slackWebhookBody(m: NotificationMessage): { text: string; blocks: unknown[] } {
  const { shown, more } = documentLines(m);
  const place = where(m);
  const lines = [`*Why:* ${slackEscape(m.why)}`];
  if (shown.length > 0)
    lines.push(`*Documents:* ${shown.map(slackEscape).join(', ')}${more > 0 ? ` and ${more} more` : ''}`);
  if (m.kind !== 'resolved') {
    lines.push(`*How to fix it:* ${slackEscape(m.fixAction)}`);
    if (m.cli) lines.push(`\`${m.cli.replaceAll('`', "'")}\``);
  }
  const buttons = [
    m.kind !== 'resolved' && { text: 'Fix in Koppel', url: m.links.fix },
    m.kind !== 'resolved' && m.links.acknowledge && { text: 'Acknowledge', url: m.links.acknowledge },
    m.kind === 'resolved' && { text: 'Details', url: m.links.alert ?? m.links.fix },
  ].filter((b): b is { text: string; url: string } => Boolean(b));
  return {
    text: slackEscape(m.subject),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: headline(m).slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: slackEscape([`severity ${m.severity}`, place].filter(Boolean).join(' · ')),
          },
        ],
      },
      {
        type: 'actions',
        elements: buttons.map((b) => ({
          type: 'button',
          text: { type: 'plain_text', text: b.text },
          url: b.url,
        })),
      },
    ],
  };
}

/**
 * A Teams incoming-webhook (Workflows) body: a message with one Adaptive Card attachment, which
 * both the Workflows webhook and the older connector webhook accept.
 */
export function teamsWebhookBody(m: NotificationMessage): { type: 'message'; attachments: unknown[] } {
  const { shown, more } = documentLines(m);
  const place = where(m);
  const facts = [
    { title: 'Severity', value: m.severity },
    ...(place ? [{ title: 'Where', value: place }] : []),
    ...(m.openedAt ? [{ title: 'Since', value: displayTime(m.openedAt) }] : []),
    ...(m.kind === 'resolved' && m.resolvedAt
      ? [{ title: 'Cleared', value: displayTime(m.resolvedAt) }]
      : []),
    ...(shown.length > 0
      ? [{ title: 'Documents', value: shown.join(', ') + (more > 0 ? ` and ${more} more` : '') }]
      : []),
  ];
  const body: unknown[] = [
    { type: 'TextBlock', size: 'Medium', weight: 'Bolder', wrap: true, text: headline(m) },
    { type: 'FactSet', facts },
    { type: 'TextBlock', wrap: true, text: `Why: ${m.why}` },
  ];
  if (m.kind !== 'resolved') {
    body.push({ type: 'TextBlock', wrap: true, text: `How to fix it: ${m.fixAction}` });
    if (m.cli) body.push({ type: 'TextBlock', wrap: true, fontType: 'Monospace', text: m.cli });
  }
  const actions =
    m.kind === 'resolved'
      ? [{ type: 'Action.OpenUrl', title: 'Details', url: m.links.alert ?? m.links.fix }]
      : [
          { type: 'Action.OpenUrl', title: 'Fix in Koppel', url: m.links.fix },
          ...(m.links.acknowledge
            ? [{ type: 'Action.OpenUrl', title: 'Acknowledge', url: m.links.acknowledge }]
            : []),
        ];
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          actions,
        },
      },
    ],
  };
}
