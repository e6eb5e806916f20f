/** Texts of the dead-letters page (fix and replay). */
export const deadLetters = {
  title: 'Dead letters',
  intro:
    'Documents that could not be handled, grouped by flow and error. Each group says what is wrong and where to fix it; once fixed, replay them.',
  none: 'No open dead letters: every document went through.',
  /** A message's link names one flow and error; the page shows that group only. */
  filtered: (flow: string | null, code: string | null) =>
    `Showing ${[flow && `flow ${flow}`, code && `error ${code}`].filter(Boolean).join(', ')} only.`,
  showAll: 'Show every group',
  noneFiltered: 'Nothing open here any more: it was replayed or dismissed.',
  modeLegend: 'Replay',
  modes: {
    current: 'With the current mapping, and the document as the source has it now',
    'as-was': 'As it was: the same document and the mapping version it failed with',
  } as Record<string, string>,
  groupTitle: (flow: string, code: string) => `${flow}: ${code}`,
  openCount: (n: number) => (n === 1 ? '1 open' : `${n} open`),
  since: (when: string) => `since ${when}`,
  whereLabel: 'Where to fix it: ',
  where: {
    mapping: 'the mapping',
    setting: 'a setting of the flow',
    source: 'the document in the source system',
    target: 'the target system',
    connection: 'the connection',
    choice: 'a choice only you can make',
    replay: 'nothing to fix',
    record: 'see the record',
  } as Record<string, string>,
  goTo: {
    mapping: (flow: string, valueMap?: string) =>
      valueMap ? `Open the value map “${valueMap}” of ${flow}` : `Open the mapping of ${flow}`,
    setting: (flow: string, setting?: string) =>
      setting ? `Open the setting ${setting} of ${flow}` : `Open the settings of ${flow}`,
    record: (label: string) => `Open the record of ${label}`,
    connection: 'Open the dashboard: connections',
  },
  replayAll: (n: number) => (n === 1 ? 'Replay it' : `Replay all ${n}`),
  // The accessible name starts with the visible text, so speech input finds the button by it.
  replayAllLabel: (n: number, code: string, flow: string) =>
    `${n === 1 ? 'Replay it' : `Replay all ${n}`}: ${code} in ${flow}`,
  lettersCaption: (code: string) => `Open dead letters with ${code}`,
  more: (shown: number, total: number) => `Showing the newest ${shown} of ${total}.`,
  columns: {
    document: 'Document',
    parked: 'Parked',
    replays: 'Replays',
    actions: 'Actions',
  },
  replay: 'Replay',
  replayLabel: (label: string) => `Replay ${label}`,
  dismiss: 'Dismiss…',
  dismissLabel: (label: string) => `Dismiss ${label}`,
  dismissReason: 'Why it needs nothing more',
  dismissReasonPlaceholder: 'e.g. booked by hand in Asperion',
  dismissConfirm: 'Dismiss',
  dismissCancel: 'Cancel',
  dismissed: 'Dismissed.',
  choiceLegend: (account: string) => `Which Asperion debtor do the orders of Exact account ${account} go on?`,
  candidate: (number: string, name: string) => `${number} ${name}`,
  otherDebtor: 'Another debtor',
  otherDebtorNumber: 'Customer number of the other debtor',
  chooseAndReplay: 'Use this debtor and replay',
  chooseFirst: 'Choose a debtor first.',
  outcome: (matched: number, through: number, failed: number) =>
    `Replayed ${matched}: ${through} went through, ${failed} failed again.`,
  stillRunning: (matched: number) =>
    `Replay of ${matched} queued; this page shows the outcome once it has run.`,
  replayEnded: (state: string, error: string | null) =>
    `The replay ${state === 'cancelled' ? 'was cancelled' : 'failed'}${error ? `: ${error}` : '.'}`,
  nothingToReplay: 'Nothing to replay: none of them is open any more.',
};
