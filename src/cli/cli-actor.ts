import { userInfo } from 'node:os';
import { cliPrincipal, type Principal } from '../access/principal.js';

/** The shell user running a command, as the audit log and an OAuth state name them. */
export function cliActor(): Principal {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // A user without a passwd entry (some containers): the audit line still says it was the CLI.
  }
  return cliPrincipal(name);
}
