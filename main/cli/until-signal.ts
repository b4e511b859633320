/**
 * Keeps a long-running command (the app, the sync server) alive until SIGINT or SIGTERM,
 * then stops it: exit code 0, or 1 when stopping failed (the error is printed).
 */
export function untilSignal(stop: () => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    const onSignal = (signal: string) => {
      console.log(`\n${signal} received, shutting down...`);
      stop().then(
        () => resolve(0),
        (error: unknown) => {
          console.error(error);
          resolve(1);
        },
      );
    };
    process.once('SIGINT', () => onSignal('SIGINT'));
    process.once('SIGTERM', () => onSignal('SIGTERM'));
  });
}
