/**
 * Resolves when a long-running command (serve, demo) should stop: on SIGINT or SIGTERM, or when its
 * parent process goes away. `npx letters demo` runs the command under npm and a shell; a signal to
 * npm does not reach the command (npm passes it to the shell, which exits), so the command finds
 * itself re-parented: that is a stop too, not a server left running.
 */
export function untilStopped(): Promise<NodeJS.Signals | 'parent exited'> {
  const parent = process.ppid;
  return new Promise((resolve) => {
    const stop = (reason: NodeJS.Signals | 'parent exited') => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      clearInterval(watch);
      resolve(reason);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    const watch = setInterval(() => {
      if (process.ppid !== parent) stop('parent exited');
    }, 500);
    watch.unref();
  });
}
