export const setupWizard = {
  title: 'Connect a pair',
};
