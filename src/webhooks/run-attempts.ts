import type { Clock } from "../core/clock.js";
import type { SecretKeyring } from "../crypto/secret-key.js";
import { type OutboundPrivateSetting, outboundPolicy } from "../outbound/outbound-policy.js";
import type { ClaimedRun } from "./delivery-claim.js";
import type { Attempt, AttemptResult } from "./delivery-outcome.js";
import { createSignerCache } from "./endpoint-signers.js";
import type { OutgoingRequest, RunSender, SentRequest } from "./http-send.js";
import { webhookBody } from "./webhook-body.js";

export interface RunAttemptDeps {
  readonly clock: Clock;
  readonly keyring: SecretKeyring;
  readonly sender: RunSender;
  readonly timeoutMs: number;
  readonly outboundPrivate: OutboundPrivateSetting;
}

function notSent(err: unknown): AttemptResult {
  return {
    kind: "failed",
    status: null,
    excerpt: null,
    error: `not sent: ${err instanceof Error ? err.message : String(err)}`,
    latencyMs: 0,
  };
}

/**
 * Turns a claimed run into attempts: signs each delivery's body (all at the run's start, on the
 * worker's clock), sends them through the sender, and times each attempt from the run's start.
 * A delivery whose event is gone fails for good once the ones before it went out. A failure on
 * Roster's side (a secret that cannot be opened, the sender thread dying) is logged against the
 * run's first delivery like any failed attempt.
 */
/** Hears of each attempt as it ends, before the run does; see `RunProgress`. */
export interface AttemptProgress {
  readonly window: number;
  /** Resolves once the attempt is recorded. */
  onAttempt(attempt: Attempt): Promise<void>;
}

export interface AttemptOptions {
  readonly progress?: AttemptProgress;
  /** Draining: no request starts after this aborts; the one in flight finishes. */
  readonly finish?: AbortSignal;
}

export function createRunAttempts(
  deps: RunAttemptDeps,
): (run: ClaimedRun, signal: AbortSignal, options?: AttemptOptions) => Promise<Attempt[]> {
  const signerFor = createSignerCache(deps.keyring);

  function prepare(run: ClaimedRun, now: Date): OutgoingRequest[] {
    const sign = signerFor(run.endpointId, run.secretSealed);
    const requests: OutgoingRequest[] = [];
    const { allowPrivate } = outboundPolicy(deps.outboundPrivate, run.privateNetwork, "endpoint");
    for (const { event } of run.deliveries) {
      if (!event) break;
      const body = webhookBody(event);
      requests.push({ url: run.url, body, headers: sign(event.id, body, now), allowPrivate });
    }
    return requests;
  }

  return async (run, signal, { progress, finish } = {}) => {
    const now = deps.clock.now();
    const at = (ms: number) => new Date(now.getTime() + Math.floor(ms));
    const attempt = ({ offsetMs, outcome }: SentRequest, i: number): Attempt[] => {
      const claim = run.deliveries[i];
      return claim
        ? [{ claim, result: outcome, startedAt: at(offsetMs), finishedAt: at(offsetMs + outcome.latencyMs) }]
        : [];
    };
    const onSent =
      progress &&
      (async (sent: SentRequest, i: number) => {
        for (const a of attempt(sent, i)) await progress.onAttempt(a);
      });
    let requests: OutgoingRequest[] = [];
    let attempts: Attempt[];
    try {
      requests = prepare(run, now);
      // Start nothing the lease may not cover: another worker could take the delivery over mid-request.
      const budgetMs = run.leaseEnd - now.getTime();
      const sent = await deps.sender.sendRun(requests, {
        timeoutMs: deps.timeoutMs,
        budgetMs,
        signal,
        ...(finish ? { finish } : {}),
        ...(onSent && progress ? { progress: { window: progress.window, onSent } } : {}),
      });
      attempts = sent.flatMap(attempt);
    } catch (err) {
      const [first] = run.deliveries;
      return first ? [{ claim: first, result: notSent(err), startedAt: now, finishedAt: now }] : [];
    }
    const gone = run.deliveries[requests.length];
    if (
      gone &&
      !signal.aborted &&
      attempts.length === requests.length &&
      attempts.every((a) => a.result.kind === "delivered")
    ) {
      const result: AttemptResult = {
        kind: "failed",
        status: null,
        excerpt: null,
        error: `event ${gone.delivery.event_id} no longer exists`,
        latencyMs: 0,
        permanent: true,
      };
      const when = deps.clock.now();
      attempts.push({ claim: gone, result, startedAt: when, finishedAt: when });
    }
    return attempts;
  };
}
