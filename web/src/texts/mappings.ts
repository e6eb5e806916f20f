export const mappings = {
  title: 'Mappings',
};
