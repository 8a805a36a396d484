// Webhook endpoints: create (the signing secret shown once), enable or disable, delete; an
// endpoint's delivery log with every attempt, a replay of one delivery, and a bulk replay of the
// failed or succeeded deliveries of a time range, after a confirmation that says how many.
import { api } from "./api.js";
import { h, qs, route, when } from "./dom.js";
import { attempt, badge, confirmDialog, field, notice, pager, secretOnce, table } from "./widgets.js";

let justCreated = null;

export async function webhooksView(ctx) {
  const isAdmin = ctx.session.principal === "admin";
  const [endpoints, orgs] = await Promise.all([
    api(
      "GET",
      `/webhook_endpoints${qs({ limit: 50, before: ctx.query.get("before"), after: ctx.query.get("after") })}`,
    ),
    isAdmin ? api("GET", "/organizations?limit=100&order=asc") : Promise.resolve({ data: [] }),
  ]);
  const url = h("input", {
    type: "url",
    name: "url",
    required: true,
    placeholder: "https://app.example.com/hooks/roster",
  });
  const org = isAdmin
    ? h(
        "select",
        { name: "organization_id" },
        h("option", { value: "" }, "Every organization's events"),
        orgs.data.map((o) => h("option", { value: o.id }, o.name)),
      )
    : null;
  const problem = h("div");
  const form = h(
    "form",
    { class: "card form" },
    h("h2", {}, "New endpoint"),
    field("URL", url),
    org ? field("Organization", org) : null,
    problem,
    h("button", { type: "submit", class: "primary" }, "Create the endpoint"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const made = await attempt(problem, () =>
      api("POST", "/webhook_endpoints", {
        url: url.value.trim(),
        ...(org?.value ? { organization_id: org.value } : {}),
      }),
    );
    if (!made) return;
    justCreated = made;
    location.hash = `#/webhooks/${made.id}`;
  });
  return h(
    "section",
    {},
    h("h1", {}, "Webhook endpoints"),
    table(
      [
        ["URL", (e) => h("a", { href: `#/webhooks/${e.id}` }, e.url)],
        ["Events", (e) => (e.events.length ? e.events.join(", ") : "all")],
        ["State", (e) => badge(e.enabled ? "active" : "inactive")],
        ["Created", (e) => when(e.created_at)],
      ],
      endpoints.data,
      "No webhook endpoints yet.",
    ),
    pager(endpoints.list_metadata, (cursor) => route("/webhooks", cursor)),
    form,
  );
}

function attempts(d) {
  if (!d.attempts.length) return "—";
  return h(
    "details",
    {},
    h("summary", {}, `${d.attempts.length} attempt${d.attempts.length === 1 ? "" : "s"}`),
    h(
      "ol",
      {},
      d.attempts.map((a) =>
        h(
          "li",
          {},
          `${when(a.started_at)}: ${a.status_code ?? "no answer"} in ${Math.round(a.latency_ms)} ms`,
          a.error ? h("p", { class: "error" }, a.error) : null,
          a.response_excerpt ? h("pre", {}, a.response_excerpt) : null,
        ),
      ),
    ),
  );
}

export async function webhookView(ctx) {
  const [id] = ctx.params;
  const state = ctx.query.get("state") ?? "";
  const [endpoint, deliveries] = await Promise.all([
    api("GET", `/webhook_endpoints/${encodeURIComponent(id)}`),
    api(
      "GET",
      `/webhook_endpoints/${encodeURIComponent(id)}/deliveries${qs({ state, limit: 25, before: ctx.query.get("before"), after: ctx.query.get("after") })}`,
    ),
  ]);
  const created = justCreated?.id === endpoint.id ? justCreated : null;
  justCreated = null;
  const slot = h("div");
  const toggle = h("button", { type: "button" }, endpoint.enabled ? "Disable" : "Enable");
  toggle.addEventListener("click", async () => {
    if (
      endpoint.enabled &&
      !(await confirmDialog({
        title: "Disable this endpoint?",
        body: ["Roster stops sending it events until it is enabled again; events are not lost."],
        confirm: "Disable",
      }))
    )
      return;
    if (await attempt(slot, () => api("PATCH", `/webhook_endpoints/${endpoint.id}`, { enabled: !endpoint.enabled })))
      ctx.rerender();
  });
  const remove = h("button", { type: "button", class: "danger" }, "Delete the endpoint");
  remove.addEventListener("click", async () => {
    if (
      !(await confirmDialog({
        title: "Delete this endpoint?",
        body: [`${endpoint.url} gets no more events, and its delivery history goes with it. This cannot be undone.`],
        confirm: "Delete the endpoint",
      }))
    )
      return;
    if (await attempt(slot, () => api("DELETE", `/webhook_endpoints/${endpoint.id}`).then(() => true)))
      location.hash = "#/webhooks";
  });
  async function retry(delivery) {
    // Sending a delivered event again gives the receiver a duplicate (same webhook-id): ask first.
    if (
      delivery.state === "succeeded" &&
      !(await confirmDialog({
        title: "Send this delivery again?",
        body: [
          `The receiver took ${delivery.event} already; it gets it once more, with the same webhook-id, so a receiver that deduplicates ignores it.`,
        ],
        confirm: "Send again",
        danger: false,
      }))
    )
      return;
    const done = await attempt(slot, () =>
      api("POST", `/webhook_endpoints/${endpoint.id}/deliveries/${delivery.id}/retry`),
    );
    if (done)
      slot.replaceChildren(notice(`Delivery of ${delivery.event} queued to be sent now. Refresh to see the attempt.`));
  }
  const filter = (value, text) =>
    h(
      "a",
      {
        href: route(`/webhooks/${endpoint.id}`, { state: value }),
        class: "chip",
        "aria-current": state === value ? "true" : undefined,
      },
      text,
    );
  return h(
    "section",
    {},
    h("p", { class: "crumbs" }, h("a", { href: "#/webhooks" }, "Webhook endpoints")),
    h("h1", {}, endpoint.url, " ", badge(endpoint.enabled ? "active" : "inactive")),
    created?.secret
      ? secretOnce(
          "Signing secret",
          "Secret",
          created.secret,
          "Verify each delivery's signature with it. Copy it now: it will not be shown again.",
          "webhook-secret",
        )
      : null,
    endpoint.disabled_reason
      ? h("p", { class: "warning" }, `Disabled ${when(endpoint.disabled_at)}: ${endpoint.disabled_reason}`)
      : null,
    h("div", { class: "toolbar" }, toggle, remove),
    slot,
    replayForm(endpoint, ctx),
    h(
      "section",
      { class: "card" },
      h(
        "h2",
        {},
        "Deliveries ",
        h("button", { type: "button", class: "small", onclick: () => ctx.rerender() }, "Refresh"),
      ),
      h(
        "div",
        { class: "filters" },
        filter("", "All"),
        filter("failed", "Failed"),
        filter("pending", "Pending"),
        filter("succeeded", "Succeeded"),
      ),
      table(
        [
          ["Created", (d) => when(d.created_at)],
          ["Event", (d) => h("code", {}, d.event)],
          ["State", (d) => h("span", { class: `delivery-${d.state}` }, d.state)],
          ["Last status", (d) => (d.last_status_code ? String(d.last_status_code) : (d.last_error ?? "—"))],
          ["Attempts", attempts],
          [
            "",
            (d) =>
              h(
                "button",
                { type: "button", class: "small", onclick: () => retry(d) },
                d.state === "succeeded" ? "Send again" : "Retry now",
              ),
          ],
        ],
        deliveries.data,
        "No deliveries yet.",
      ),
      pager(deliveries.list_metadata, (cursor) => route(`/webhooks/${endpoint.id}`, { state, ...cursor })),
    ),
  );
}

/** "2026-12-05T13:10" from a datetime-local field, read as UTC; "" stays "". */
function utc(value) {
  return value ? `${value}:00Z` : "";
}

const REPLAY_WORDS = {
  failed: {
    one: "failed delivery",
    many: "failed deliveries",
    hint: "Every delivery that gave up, or is waiting to retry after a failure, created in the range is sent again now, with a fresh retry window.",
  },
  succeeded: {
    one: "succeeded delivery",
    many: "succeeded deliveries",
    hint: "Every delivery the receiver took (answered 2xx) created in the range is sent again now: for a receiver that lost them.",
  },
};

const deliveryCount = (n, status) =>
  `${n.toLocaleString("en")} ${n === 1 ? REPLAY_WORDS[status].one : REPLAY_WORDS[status].many}`;

/**
 * Bulk replay: the endpoint's failed (or succeeded) deliveries created in a time range. A dry run
 * counts them first, so the confirmation says how many go out again.
 */
function replayForm(endpoint, ctx) {
  const status = h(
    "select",
    { name: "status" },
    h("option", { value: "failed" }, "Failed"),
    h("option", { value: "succeeded" }, "Succeeded"),
  );
  const since = h("input", { type: "datetime-local", name: "since", step: 60 });
  const until = h("input", { type: "datetime-local", name: "until", step: 60 });
  const hint = h("p", { class: "hint" });
  const submit = h("button", { type: "submit", class: "primary" });
  const slot = h("div");
  const words = () => {
    hint.textContent = `${REPLAY_WORDS[status.value].hint} Times in UTC; leave one empty for no bound. Oldest event first.`;
    submit.textContent = `Replay ${REPLAY_WORDS[status.value].many}`;
  };
  status.addEventListener("change", words);
  words();
  const form = h(
    "form",
    { class: "card form replay" },
    h("h2", {}, "Replay deliveries"),
    hint,
    h(
      "div",
      { class: "toolbar" },
      field("Which deliveries", status),
      field("From (UTC)", since),
      field("Until (UTC)", until),
      submit,
    ),
    slot,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const which = status.value;
    const body = {
      status: which,
      ...(since.value ? { since: utc(since.value) } : {}),
      ...(until.value ? { until: utc(until.value) } : {}),
    };
    const path = `/webhook_endpoints/${endpoint.id}/deliveries/replay`;
    const counted = await attempt(slot, () => api("POST", path, { ...body, dry_run: true }));
    if (!counted) return;
    const matched = counted.matched ?? 0;
    if (matched === 0) {
      slot.replaceChildren(notice(`No ${REPLAY_WORDS[which].one} in that range: nothing to replay.`));
      return;
    }
    const range =
      since.value || until.value
        ? `created ${since.value ? `from ${when(body.since)}` : ""}${since.value && until.value ? " " : ""}${until.value ? `until ${when(body.until)}` : ""}`
        : "of any time";
    const ok = await confirmDialog({
      title: `Replay ${deliveryCount(matched, which)}?`,
      body: [
        `${deliveryCount(matched, which)} to ${endpoint.url} ${range} ${matched === 1 ? "is" : "are"} sent again now, with a fresh retry window.`,
        which === "succeeded"
          ? "The receiver has them already: it gets each once more, with the same webhook-id, so a receiver that deduplicates ignores them."
          : "Receivers get each event again with the same webhook-id.",
      ],
      confirm: "Replay",
      danger: false,
    });
    if (!ok) return;
    let total = 0;
    // The API re-queues up to 1,000 a call and says has_more: ask again until it is done.
    for (let calls = 0; calls < 100; calls++) {
      const result = await attempt(slot, () => api("POST", path, body));
      if (!result) return;
      total += result.replayed;
      if (!result.has_more) break;
    }
    slot.replaceChildren(
      notice(
        total === 0
          ? `No ${REPLAY_WORDS[which].one} left in that range: nothing to replay.`
          : `${total.toLocaleString("en")} ${total === 1 ? "delivery" : "deliveries"} queued to be sent now.`,
      ),
      h("button", { type: "button", class: "small", onclick: () => ctx.rerender() }, "Show the delivery log"),
    );
  });
  return form;
}
