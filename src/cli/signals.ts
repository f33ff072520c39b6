// SIGINT / SIGTERM as an AbortSignal, for the long-running commands (worker,
// serve, demo): the first signal asks them to stop gracefully.
export type StopRequest = {
  readonly signal: AbortSignal;
  /** Resolves once a stop was requested. */
  stopped(): Promise<void>;
  /** Stops listening for the signals. */
  dispose(): void;
};

export function listenForStop(): StopRequest {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    stopped: () =>
      controller.signal.aborted
        ? Promise.resolve()
        : new Promise((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true })),
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
