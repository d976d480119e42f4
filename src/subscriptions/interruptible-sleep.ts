interface Sleeper {
  readonly onLeaseLoss: boolean;
  readonly wake: () => void;
}

/**
 * Sleeps a subscription takes (retry backoff, lease waits) that end early
 * when it stops, and, for those that ask, when it loses its lease.
 */
export class InterruptibleSleep {
  readonly #sleepers = new Set<Sleeper>();

  /** Resolves `true` after `ms`, or `false` as soon as it is interrupted. */
  sleep(ms: number, onLeaseLoss: boolean): Promise<boolean> {
    return new Promise((resolve) => {
      const sleeper: Sleeper = {
        onLeaseLoss,
        wake: () => {
          clearTimeout(timer);
          this.#sleepers.delete(sleeper);
          resolve(false);
        },
      };
      const timer = setTimeout(() => {
        this.#sleepers.delete(sleeper);
        resolve(true);
      }, ms);
      this.#sleepers.add(sleeper);
    });
  }

  /** Ends every sleep (a stop), or only those that end on a lost lease. */
  interrupt(leaseLossOnly: boolean): void {
    for (const sleeper of [...this.#sleepers]) {
      if (!leaseLossOnly || sleeper.onLeaseLoss) sleeper.wake();
    }
  }
}
