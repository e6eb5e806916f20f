export const dashboard = {
  title: 'Dashboard',
  pairs: 'Pairs',
  noPairs: 'No pair yet: a pair links one Exact Online division with one Asperion administration.',
  flows: 'Flows',
  connections: 'Connections',
  columns: {
    flow: 'Flow',
    kind: 'Kind',
    enabled: 'Enabled',
    lastRun: 'Last run',
    openDeadLetters: 'Open dead letters',
    connection: 'Connection',
    app: 'App',
    status: 'Status',
  },
  yes: 'yes',
  no: 'no',
};
