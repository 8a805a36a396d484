import type { ConnectorCheck } from "./connector-kind.js";
import { SourceError } from "./source.js";

/** How one request of a connector test ended: answered with success, or failed with what the connector made of it. */
export type ProbeOutcome = { readonly ok: true } | { readonly ok: false; readonly error: SourceError };

/** What a check is called and what it says when it passes. */
export interface CheckName {
  readonly name: string;
  readonly passed: string;
}

/**
 * Runs one request of a connector test. A cancelled test rethrows its abort reason; anything that is not a
 * `SourceError` (a bug) still becomes a failed check, by its message only, so one test answers with checks.
 */
export async function probe(request: () => Promise<unknown>, signal: AbortSignal | undefined): Promise<ProbeOutcome> {
  try {
    await request();
    return { ok: true };
  } catch (error) {
    if (signal?.aborted) throw signal.reason ?? error;
    if (error instanceof SourceError) return { ok: false, error };
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      error: new SourceError("bad_response", `unexpected failure: ${message.slice(0, 200)}`, { cause: error }),
    };
  }
}

export function passed(check: CheckName): ConnectorCheck {
  return Object.freeze({ name: check.name, ok: true, message: check.passed });
}

export function failed(check: CheckName, error: SourceError): ConnectorCheck {
  return Object.freeze({ name: check.name, ok: false, message: error.message });
}

export function notChecked(check: CheckName, because: string): ConnectorCheck {
  return Object.freeze({ name: check.name, ok: false, message: `not checked: ${because}` });
}

/** The one outcome of a probe as a check. */
export function checkOf(check: CheckName, outcome: ProbeOutcome): ConnectorCheck {
  return outcome.ok ? passed(check) : failed(check, outcome.error);
}

/**
 * The first request of an HTTP connector's test answers three checks at once: was the server reached (any
 * answer from the API's paths), was the credential accepted (not 401), and may it read (not 403). `more` is
 * false when the later checks cannot mean anything (nothing reached, or the credential refused).
 */
export function firstRequestChecks(
  outcome: ProbeOutcome,
  names: { readonly reach: CheckName; readonly credential: CheckName; readonly read: CheckName },
): { readonly checks: readonly ConnectorCheck[]; readonly more: boolean } {
  if (outcome.ok) return { checks: [passed(names.reach), passed(names.credential), passed(names.read)], more: true };
  const { error } = outcome;
  if (error.status === 401) {
    return {
      checks: [
        passed(names.reach),
        failed(names.credential, error),
        notChecked(names.read, "the credential was refused"),
      ],
      more: false,
    };
  }
  if (error.status === 403)
    return { checks: [passed(names.reach), passed(names.credential), failed(names.read, error)], more: true };
  const unreached = `${names.reach.name} failed`;
  return {
    checks: [failed(names.reach, error), notChecked(names.credential, unreached), notChecked(names.read, unreached)],
    more: false,
  };
}
