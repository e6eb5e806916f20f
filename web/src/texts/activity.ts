export const activity = {
  title: 'Activity log',
};
