/**
 * Test support (not built): holds a stand-in's requests whose path matches until the test lets
 * them go, so a test can act (PATCH the directory, say) while a run waits in the middle of its read.
 */
export interface HeldRequests {
  /** Resolves when the first matching request arrives. */
  readonly reached: Promise<void>;
  /** Answers the held requests, and every later one, as usual. */
  release(): void;
}

interface Gate {
  readonly pattern: RegExp;
  readonly arrived: () => void;
  readonly released: Promise<void>;
}

export class RequestGates {
  #gates: Gate[] = [];

  /** Holds every request whose path (with its query) matches `pattern` until `release()`. */
  hold(pattern: RegExp): HeldRequests {
    let arrived = (): void => {};
    let release = (): void => {};
    const reached = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const gate: Gate = { pattern, arrived, released };
    this.#gates.push(gate);
    return {
      reached,
      release: () => {
        this.#gates = this.#gates.filter((g) => g !== gate);
        release();
      },
    };
  }

  /** Awaited by a stand-in before it answers `path`: at once unless a gate holds it. */
  async pass(path: string): Promise<void> {
    const held = this.#gates.filter((gate) => gate.pattern.test(path));
    for (const gate of held) gate.arrived();
    await Promise.all(held.map((gate) => gate.released));
  }
}
