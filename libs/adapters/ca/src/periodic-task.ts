/** A running periodic task; `stop()` waits for a run in progress. */
export interface PeriodicTask {
  stop(): Promise<void>;
}

/**
 * Runs `task` every `intervalMs` on an unref'd timer (it never keeps the process alive), never two
 * runs at once: a run that overlaps the next tick makes that tick a no-op. Errors go to `onError`,
 * and the timer carries on (e.g. a database outage during a key-ring refresh).
 */
export function startPeriodicTask(intervalMs: number, task: () => Promise<unknown>, onError: (error: unknown) => void): PeriodicTask {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = task().then(
      () => undefined,
      (error: unknown) => onError(error),
    ).finally(() => {
      running = null;
    });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
