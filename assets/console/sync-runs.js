// A pull directory's sync runs: sync now (or upload a CSV), a dry run, the history with a running
// run's live progress, and a run the mass-removal guard held: confirmed or discarded by a person.
import { api } from "./api.js";
import { h, plural, when } from "./dom.js";
import { attempt, confirmDialog, field, notice, table } from "./widgets.js";

const isDiscarded = (run) => run.state === "failed" && run.failure?.reason === "discarded";
const isHeld = (run) => run.state === "needs_confirmation" && !run.confirmed_at;

function summary(run) {
  if (isDiscarded(run)) return "discarded: nothing it held was applied";
  if (run.state === "failed") return run.failure?.message ?? "failed";
  if (run.state === "needs_confirmation")
    return `stopped before removing ${plural(run.pending_removals, "user")}: waiting for a person to confirm or discard`;
  if (run.state === "running") return progress(run);
  const c = run.counts;
  const parts = [
    c.created && `${plural(c.created, "user")} created`,
    c.updated && `${c.updated} updated`,
    c.deactivated && `${c.deactivated} deactivated`,
    c.deleted && `${c.deleted} deleted`,
    c.failed && `${c.failed} failed`,
  ].filter(Boolean);
  if (run.dry_run)
    return parts.length ? `nothing written; a real run would have: ${parts.join(", ")}` : "no changes to make";
  return parts.join(", ") || "no changes";
}

const PHASES = {
  connecting: "connecting to the source",
  users: "reading users",
  groups: "reading groups",
  removals: "looking for removals",
  done: "finishing",
};

/** A running run's progress as the API last saved it (about every second). */
function progress(run) {
  const p = run.progress ?? { users_seen: 0, users_written: 0, groups_seen: 0, groups_written: 0 };
  const written = (n) => (run.dry_run ? "" : `, ${n.toLocaleString("en")} written`);
  return h(
    "span",
    { class: "run-progress", "data-progress": "", role: "status" },
    h("strong", {}, `Running: ${PHASES[run.phase] ?? run.phase}`),
    h("br"),
    `${plural(p.users_seen, "user")} read${written(p.users_written)} · ${plural(p.groups_seen, "group")} read${written(p.groups_written)}`,
  );
}

const SIGN = { create: "+", update: "~", deactivate: "−", delete: "−" };
const VERB = { create: "create", update: "update", deactivate: "deactivate", delete: "delete" };

/**
 * A dry run's or a held run's planned changes as a diff: additions (+), updates (~, with the
 * fields that change) and removals (−), each kind grouped and counted.
 */
function changes(run) {
  if (!run.changes || run.changes.length === 0) return null;
  const order = ["create", "update", "deactivate", "delete"];
  const sorted = [...run.changes].sort(
    (a, b) =>
      order.indexOf(a.action) - order.indexOf(b.action) || a.kind.localeCompare(b.kind) || a.ref.localeCompare(b.ref),
  );
  const totals = order
    .map((action) => [action, run.changes.filter((c) => c.action === action).length])
    .filter(([, n]) => n > 0);
  return h(
    "details",
    { class: "changes" },
    h(
      "summary",
      {},
      `${plural(run.changes.length, "planned change")}: ${totals.map(([action, n]) => `${n} ${VERB[action] ?? action}`).join(", ")}`,
    ),
    h(
      "ul",
      { class: "diff", "aria-label": "Planned changes" },
      sorted.map((c) =>
        h(
          "li",
          { class: `change-${c.action}`, "data-action": c.action },
          h("span", { class: "sign", "aria-hidden": "true" }, SIGN[c.action] ?? "·"),
          h("strong", {}, `${VERB[c.action] ?? c.action} ${c.kind}`),
          " ",
          h("span", { class: "ref" }, c.ref),
          c.fields?.length ? h("span", { class: "fields" }, `: ${c.fields.join(", ")}`) : null,
        ),
      ),
    ),
  );
}

function stateCell(run) {
  if (isDiscarded(run)) return h("span", { class: "run-discarded" }, "discarded");
  return h("span", { class: `run-${run.state}` }, run.state.replace("_", " "));
}

/** `onSettled` is called when a run this card saw running ends (the directory's counts and state changed). */
export function syncCard(d, onSettled) {
  let sawRunning = false;
  const slot = h("div");
  const history = h("div", { "data-sync-history": "" });
  const card = h("section", { class: "card" }, h("h2", {}, "Sync"));

  async function refresh() {
    const runs = await api("GET", `/directories/${d.id}/syncs?limit=10`);
    history.replaceChildren(
      table(
        [
          ["Started", (r) => when(r.started_at)],
          ["Trigger", (r) => `${r.trigger}${r.dry_run ? " (dry run)" : ""}`],
          ["State", stateCell],
          ["Result", (r) => [summary(r), changes(r)]],
          [
            "",
            (r) =>
              isHeld(r)
                ? h(
                    "div",
                    { class: "row-actions" },
                    h(
                      "button",
                      { type: "button", class: "danger small", onclick: () => confirmRun(r) },
                      `Confirm and remove ${plural(r.pending_removals, "user")}`,
                    ),
                    h("button", { type: "button", class: "small", onclick: () => discardRun(r) }, "Discard the run"),
                  )
                : null,
          ],
        ],
        runs.data,
        "Never synced.",
      ),
    );
    // Follow a running run until it ends, while its page is shown.
    const running = runs.data.some((r) => r.state === "running");
    if (running) setTimeout(() => card.isConnected && refresh().catch(() => {}), 1000);
    else if (sawRunning && card.isConnected) onSettled();
    sawRunning = running || sawRunning;
  }

  async function confirmRun(run) {
    const ok = await confirmDialog({
      title: `Remove ${plural(run.pending_removals, "user")}?`,
      body: [
        `The source no longer lists them. Confirming applies the held run: ${plural(run.pending_removals, "user")} are deactivated or deleted and ${plural(run.pending_membership_removals, "membership")} end.`,
      ],
      confirm: "Confirm the run",
    });
    if (!ok) return;
    if (!(await attempt(slot, () => api("POST", `/directories/${d.id}/syncs/${run.id}/confirm`)))) return;
    sawRunning = true;
    await refresh();
  }

  async function discardRun(run) {
    const ok = await confirmDialog({
      title: "Discard the held run?",
      body: [
        `None of its changes are applied: the ${plural(run.pending_removals, "user")} it would remove stay as they are. The run cannot be confirmed afterwards; the next sync plans again from the source.`,
      ],
      confirm: "Discard the run",
    });
    if (!ok) return;
    const discarded = await attempt(slot, () => api("POST", `/directories/${d.id}/syncs/${run.id}/discard`));
    if (!discarded) return;
    await refresh();
    slot.replaceChildren(notice("Discarded: nothing it held was applied."));
  }

  async function start(body, csv, dryRun = false) {
    const path = `/directories/${d.id}/csv${dryRun ? "?dry_run=true" : ""}`;
    const run = await attempt(slot, () =>
      csv === undefined ? api("POST", `/directories/${d.id}/sync`, body) : api("POST", path, csv, "text/csv"),
    );
    if (!run) return;
    sawRunning = true;
    await refresh();
  }

  if (d.type === "csv") {
    const rows = h("textarea", { name: "csv", rows: 6, placeholder: "username,email,first_name,last_name,groups" });
    const submit = (dryRun) => {
      if (rows.value.trim()) void start(undefined, rows.value, dryRun);
    };
    const form = h(
      "form",
      { class: "form" },
      field("CSV rows", rows, "A header line, then one user a line."),
      h(
        "div",
        { class: "toolbar" },
        h("button", { type: "submit", class: "primary" }, "Upload and sync"),
        h("button", { type: "button", onclick: () => submit(true) }, "Dry run"),
      ),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submit(false);
    });
    card.append(form);
  } else {
    card.append(
      h(
        "div",
        { class: "toolbar" },
        h("button", { type: "button", class: "primary", onclick: () => start({}) }, "Sync now"),
        h("button", { type: "button", onclick: () => start({ dry_run: true }) }, "Dry run"),
      ),
    );
  }
  card.append(slot, h("h3", {}, "Recent runs"), history);
  refresh().catch((error) => attempt(slot, () => Promise.reject(error)));
  return card;
}
