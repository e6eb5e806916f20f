/** Texts shared by every page. Every English text of the app lives under texts/, so a translation can follow. */
export const common = {
  appName: 'Koppel',
  nav: {
    label: 'Main',
    dashboard: 'Dashboard',
    activity: 'Activity log',
    deadLetters: 'Dead letters',
    mappings: 'Mappings',
    setupWizard: 'Connect',
    settings: 'Settings',
    apiReference: 'API reference',
  },
  signedInAs: (name: string, role: string) => `${name} (${role})`,
  signOut: 'Sign out',
  skipToContent: 'Skip to content',
  loading: 'Loading…',
  none: 'None yet.',
  notFound: 'There is no page here.',
  backHome: 'Back to the dashboard',
  errorPrefix: 'Could not load this: ',
  never: 'never',
  roles: { viewer: 'viewer', operator: 'operator', owner: 'owner' } as Record<string, string>,
  runStates: {
    queued: 'queued',
    running: 'running',
    succeeded: 'succeeded',
    partial: 'partial',
    failed: 'failed',
    cancelled: 'cancelled',
    // Gave its worker up until the API budget refilled, or its lock to a webhook's order; the next
    // run goes on from where it stopped.
    yielded: 'gave way, goes on',
  } as Record<string, string>,
};
