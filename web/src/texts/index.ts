import { common } from './common';
import { dashboard } from './dashboard';

/** The app's English texts, one module per page. */
export const t = { ...common, dashboard };
