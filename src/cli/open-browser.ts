import { spawn } from 'node:child_process';

/**
 * Open `url` in the desktop's browser, for `--open`. Best effort: on a server over SSH there is
 * none, which is why nothing opens unless asked; the URL is printed either way.
 */
export function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser here; the printed URL is the way.
  }
}
