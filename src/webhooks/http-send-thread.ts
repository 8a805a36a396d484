/**
 * The webhook sender thread, as CommonJS source for `new Worker(…, { eval: true })` (like the
 * SQLite checkpointer): it needs only node:http(s), and source text loads the same under tsx,
 * vitest and the built dist. Messages, and what `http-send.ts` expects back:
 * - `{type: "send", id, requests: [{url, body, headers}], timeoutMs, budgetMs}`: POSTs the
 *   requests in order, one at a time, on kept-alive connections; stops after the first one not
 *   delivered, on abort, or before a request that could end past `budgetMs` from the start.
 *   Answers `{type: "sent", id, sent: [{offsetMs, outcome}]}`, `outcome` a SendOutcome.
 *   With `window` > 0 it also answers `{type: "progress", id, index, sent: {offsetMs, outcome}}`
 *   as each request is done, and sends no request while `window` done ones wait for an ack.
 * - `{type: "ack", id, count}`: the first `count` requests' outcomes are recorded.
 * - `{type: "finish", id}`: stops after the request in flight (a draining worker).
 * - `{type: "abort", id}`: cuts the request in flight (its outcome: `interrupted`) and stops.
 * 2xx is success, anything else (redirects included: they are not followed, a receiver must
 * answer itself) a failure. The timeout covers the whole exchange.
 * A request without `allowPrivate` goes through agents whose lookup refuses special addresses
 * (`workerData.ranges`, and `workerData.embedded` for IPv6 addresses leading to IPv4 ones, in the
 * words of `workerData.refusals`), checked on the address each
 * connection is made to; an IP literal is checked before the request.
 */
export const HTTP_SEND_THREAD_SOURCE = String.raw`
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const http = require("node:http");
const https = require("node:https");
const dns = require("node:dns");
const net = require("node:net");
const EXCERPT_BYTES = 1024;

const special = new Map();
for (const range of workerData.ranges) {
  if (!special.has(range.kind)) special.set(range.kind, new net.BlockList());
  special.get(range.kind).addSubnet(range.network, range.prefix, range.family);
}

// embedded-ipv4.ts's ipv6Bytes and embeddedIpv4s, over workerData.embedded (the same ranges).
function ipv6Bytes(ip) {
  let text = ip;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) text = text.slice(0, dotted.index) + "0:0";
  const parts = text.split("::");
  const groups = (part) => (part === "" ? [] : part.split(":"));
  const left = groups(parts[0]);
  const right = parts.length > 1 ? groups(parts[1]) : [];
  const all = left.concat(new Array(8 - left.length - right.length).fill("0"), right);
  const bytes = [];
  for (const group of all) {
    const value = parseInt(group, 16);
    bytes.push(value >> 8, value & 0xff);
  }
  if (dotted) bytes.splice(12, 4, ...dotted.slice(1, 5).map(Number));
  return bytes;
}
const embedded = workerData.embedded.map((range) => ({ range, network: ipv6Bytes(range.network) }));
function inRange(bytes, range, network) {
  for (let bit = 0; bit < range.prefix; bit += 8) {
    const mask = (0xff << (8 - Math.min(8, range.prefix - bit))) & 0xff;
    if ((bytes[bit / 8] & mask) !== (network[bit / 8] & mask)) return false;
  }
  return true;
}
function embeddedIpv4s(ip) {
  const bytes = ipv6Bytes(ip);
  const found = [];
  for (const { range, network } of embedded) {
    if (!inRange(bytes, range, network)) continue;
    for (const reading of range.readings) {
      if (reading.zero.some((index) => bytes[index] !== 0)) continue;
      const v4 = reading.at.map((index) => bytes[index]);
      if (v4[0] !== 0) found.push(v4.join("."));
    }
  }
  return found;
}

function kindOf(ip, type) {
  for (const [kind, list] of special) if (list.check(ip, type)) return kind;
  return null;
}

// A refusal's error, without a code so that describe() keeps its words as they are. An IPv6
// address leading to an IPv4 one (NAT64, mapped, 6to4) is judged by the IPv4 address first.
function refusalOf(address) {
  const ip = address.replace(/^\[(.*)\]$/, "$1").replace(/%.*$/, "");
  const family = net.isIP(ip);
  if (family === 0) return null;
  let kind = null;
  if (family === 6) for (const v4 of embeddedIpv4s(ip)) if (!kind) kind = kindOf(v4, "ipv4");
  if (!kind) kind = kindOf(ip, family === 4 ? "ipv4" : "ipv6");
  return kind ? Object.assign(new Error(workerData.refusals[kind].replace("{address}", ip)), { refused: true }) : null;
}

function guardedLookup(hostname, options, callback) {
  dns.lookup(hostname, { family: options.family, hints: options.hints, all: true }, (error, addresses) => {
    if (error) return callback(error);
    for (const { address } of addresses) {
      const refusal = refusalOf(address);
      if (refusal) return callback(refusal);
    }
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
}

const agents = {
  open: {
    "http:": new http.Agent({ keepAlive: true, scheduling: "lifo" }),
    "https:": new https.Agent({ keepAlive: true, scheduling: "lifo" }),
  },
  guarded: {
    "http:": new http.Agent({ keepAlive: true, scheduling: "lifo", lookup: guardedLookup }),
    "https:": new https.Agent({ keepAlive: true, scheduling: "lifo", lookup: guardedLookup }),
  },
};
const runs = new Map();

function describe(error) {
  const code = error && error.code;
  const message = String((error && error.message) || error);
  return code && !message.includes(code) ? code + ": " + message : message;
}

// One POST; resolves {status, excerpt} or {error, reused}. At most EXCERPT_BYTES of the answer
// are kept; a longer one is cut off with its connection.
function exchange(url, request, run) {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (answer) => {
      if (settled) return;
      settled = true;
      run.req = null;
      resolve(answer);
    };
    const headers = Object.assign({ "content-type": "application/json", "content-length": Buffer.byteLength(request.body), "user-agent": "Roster-Webhooks/1" }, request.headers);
    // Node connects to an IP literal without a lookup: check it here.
    const refusal = request.allowPrivate ? null : refusalOf(url.hostname);
    if (refusal) return settle({ error: refusal, reused: false });
    const agent = agents[request.allowPrivate ? "open" : "guarded"][url.protocol];
    const req = (url.protocol === "https:" ? https : http).request(url, { method: "POST", agent, headers });
    run.req = req;
    req.on("response", (res) => {
      const chunks = [];
      let size = 0;
      const finish = () => {
        // A multi-byte character cut at the limit decodes to U+FFFD: drop it rather than store noise.
        const text = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString("utf8").replace(/\uFFFD+$/, "");
        settle({ status: res.statusCode || 0, excerpt: text === "" ? null : text });
      };
      res.on("data", (chunk) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size < EXCERPT_BYTES) return;
        res.removeAllListeners("data");
        res.destroy();
        finish();
      });
      res.on("end", finish);
      res.on("error", finish);
    });
    req.on("error", (error) => settle({ error, reused: req.reusedSocket }));
    req.end(request.body);
  });
}

async function sendOne(request, timeoutMs, run) {
  const started = performance.now();
  const latencyMs = () => Math.round((performance.now() - started) * 10) / 10;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (run.req) run.req.destroy(new Error("timed out"));
  }, timeoutMs);
  try {
    const url = new URL(request.url);
    let answer = await exchange(url, request, run);
    // A kept-alive connection the receiver closed just as it was reused: once more on a fresh one.
    const stale = answer.error && answer.reused && (answer.error.code === "ECONNRESET" || answer.error.code === "EPIPE");
    if (stale && !run.aborted && !timedOut) answer = await exchange(url, request, run);
    if (!answer.error) {
      if (answer.status >= 200 && answer.status < 300) return { kind: "delivered", status: answer.status, excerpt: answer.excerpt, latencyMs: latencyMs() };
      return { kind: "failed", status: answer.status, excerpt: answer.excerpt, error: "HTTP " + answer.status, latencyMs: latencyMs() };
    }
    if (run.aborted) return { kind: "interrupted", latencyMs: latencyMs() };
    if (timedOut) return { kind: "failed", status: null, excerpt: null, error: "timed out after " + timeoutMs + " ms", latencyMs: latencyMs() };
    return { kind: "failed", status: null, excerpt: null, error: describe(answer.error), latencyMs: latencyMs() };
  } catch (error) {
    return { kind: "failed", status: null, excerpt: null, error: describe(error), latencyMs: latencyMs() };
  } finally {
    clearTimeout(timer);
  }
}

// Resolves once fewer than window outcomes wait for their ack (or the run is aborted).
function acknowledged(run, done, window) {
  if (window <= 0 || run.aborted || run.finishing || done - run.acked < window) return null;
  return new Promise((resolve) => {
    run.wake = resolve;
  });
}

async function send(message) {
  const run = { aborted: false, finishing: false, req: null, acked: 0, wake: null };
  runs.set(message.id, run);
  const start = performance.now();
  const window = message.window || 0;
  const sent = [];
  try {
    for (const request of message.requests) {
      // Bounds what a crash can leave sent but unrecorded, so sent again after it.
      let waiting;
      while ((waiting = acknowledged(run, sent.length, window))) await waiting;
      const offsetMs = performance.now() - start;
      if (run.aborted || run.finishing || offsetMs + message.timeoutMs > message.budgetMs) break;
      const outcome = await sendOne(request, message.timeoutMs, run);
      sent.push({ offsetMs, outcome });
      if (window > 0) parentPort.postMessage({ type: "progress", id: message.id, index: sent.length - 1, sent: { offsetMs, outcome } });
      if (outcome.kind !== "delivered") break;
    }
  } finally {
    runs.delete(message.id);
    parentPort.postMessage({ type: "sent", id: message.id, sent });
  }
}

function wake(run) {
  const resolve = run.wake;
  run.wake = null;
  if (resolve) resolve();
}

parentPort.on("message", (message) => {
  if (message.type === "send") send(message);
  else if (message.type === "ack") {
    const run = runs.get(message.id);
    if (!run) return;
    run.acked = Math.max(run.acked, message.count);
    wake(run);
  } else if (message.type === "finish") {
    const run = runs.get(message.id);
    if (!run) return;
    run.finishing = true;
    wake(run);
  } else if (message.type === "abort") {
    const run = runs.get(message.id);
    if (!run) return;
    run.aborted = true;
    if (run.req) run.req.destroy(new Error("aborted"));
    wake(run);
  }
});
`;
