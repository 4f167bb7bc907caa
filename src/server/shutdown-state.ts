/**
 * Whether this process is stopping (src/server/shutdown.ts sets it on SIGTERM/SIGINT). Kept apart
 * from the shutdown sequence so the jobs it cancels can ask without importing it back.
 *
 * On globalThis like the job registries: a dev-server module reload must not forget it.
 */
const globalForShutdown = globalThis as unknown as { optimizarrShuttingDown?: boolean; optimizarrRequestWork?: Set<Promise<unknown>> };
const requestWork = (globalForShutdown.optimizarrRequestWork ??= new Set());

/** New work refused because the server is stopping: the caller should try again once it is back. */
export class ShuttingDownError extends Error {
  constructor(message = "Optimizarr is shutting down: try again once it has restarted") {
    super(message);
    this.name = "ShuttingDownError";
  }
}

export function isShuttingDown(): boolean {
  return globalForShutdown.optimizarrShuttingDown === true;
}

/** From now on every new sync, scan and webhook delivery is refused. There is no way back: the process exits. */
export function stopAcceptingWork(): void {
  globalForShutdown.optimizarrShuttingDown = true;
}

/** Called where work starts (a sync, a scan), so no entry point — router, scheduler, webhook — can slip one in. */
export function refuseWorkWhenShuttingDown(): void {
  if (isShuttingDown()) throw new ShuttingDownError();
}

/**
 * Work a request does while its caller waits (a webhook delivery writing the queue): shutdown lets
 * it finish before closing the database, rather than failing it halfway.
 */
export function trackRequestWork<T>(work: Promise<T>): Promise<T> {
  requestWork.add(work);
  void work.finally(() => requestWork.delete(work)).catch(() => undefined);
  return work;
}

/** Settles when the request work running now has ended, however it ended. */
export async function requestWorkFinished(): Promise<void> {
  await Promise.allSettled([...requestWork]);
}
