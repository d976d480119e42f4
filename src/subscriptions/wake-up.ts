/**
 * The loop's alarm clock: `signal()` (an append was heard, or a stop) ends the
 * current or next `wait`; `wait(ms)` also ends after `ms`. A signal that
 * arrives while the loop is busy is remembered, so none is lost between a read
 * and the wait that follows it.
 */
export class WakeUp {
  #pending = false;
  #wake: (() => void) | undefined;

  /** Wakes the loop now, or at its next wait. */
  signal(): void {
    this.#pending = true;
    this.#wake?.();
  }

  /** Forgets earlier signals: call before reading, so only later ones cut the next wait short. */
  clear(): void {
    this.#pending = false;
  }

  /** Resolves after `ms` (to `false`), or at once / as soon as a signal comes (to `true`). */
  async wait(ms: number): Promise<boolean> {
    if (this.#pending) {
      this.#pending = false;
      return true;
    }
    let timer: NodeJS.Timeout | undefined;
    const signalled = await new Promise<boolean>((resolve) => {
      this.#wake = () => resolve(true);
      timer = setTimeout(() => resolve(false), ms);
    });
    clearTimeout(timer);
    this.#wake = undefined;
    this.#pending = false;
    return signalled;
  }
}
