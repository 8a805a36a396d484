// A pull directory's sync runs: sync now (or upload a CSV), the history, and a run the
// mass-removal guard held, confirmed by a person. The history follows a running run.
import { api } from "./api.js";
import { h, plural, when } from "./dom.js";
import { attempt, confirmDialog, field, table } from "./widgets.js";

function summary(run) {
  if (run.state === "failed") return run.failure?.message ?? "failed";
  if (run.state === "needs_confirmation") return `stopped before removing ${plural(run.pending_removals, "user")}: waiting for a person to confirm`;
  const c = run.counts;
  const parts = [c.created && `${plural(c.created, "user")} created`, c.updated && `${c.updated} updated`, c.deactivated && `${c.deactivated} deactivated`, c.deleted && `${c.deleted} deleted`, c.failed && `${c.failed} failed`].filter(Boolean);
  return run.state === "running" ? `running (${run.phase})` : parts.join(", ") || "no changes";
}

/** `onSettled` is called when a run this card saw running ends (the directory's counts and state changed). */
/** A dry run's or a held run's planned changes, one line each ("deactivate user ada@x.com: email, state"). */
function changes(run) {
  if (!run.changes || run.changes.length === 0) return null;
  return h(
    "details",
    { class: "changes" },
    h("summary", {}, `${plural(run.changes.length, "planned change")}`),
    h("ul", {}, run.changes.map((c) => h("li", { class: `change-${c.action}` }, h("strong", {}, `${c.action} ${c.kind}`), ` ${c.ref}`, c.fields?.length ? `: ${c.fields.join(", ")}` : ""))),
  );
}

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
          ["State", (r) => h("span", { class: `run-${r.state}` }, r.state.replace("_", " "))],
          ["Result", (r) => [summary(r), changes(r)]],
          ["", (r) => (r.state === "needs_confirmation" && !r.confirmed_at ? h("button", { type: "button", class: "danger small", onclick: () => confirmRun(r) }, `Confirm and remove ${plural(r.pending_removals, "user")}`) : null)],
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
      body: [`The source no longer lists them. Confirming applies the held run: ${plural(run.pending_removals, "user")} are deactivated or deleted and ${plural(run.pending_membership_removals, "membership")} end.`],
      confirm: "Confirm the run",
    });
    if (!ok) return;
    if (!(await attempt(slot, () => api("POST", `/directories/${d.id}/syncs/${run.id}/confirm`)))) return;
    sawRunning = true;
    await refresh();
  }

  async function start(body, csv) {
    const run = await attempt(slot, () => (csv === undefined ? api("POST", `/directories/${d.id}/sync`, body) : api("POST", `/directories/${d.id}/csv`, csv, "text/csv")));
    if (!run) return;
    sawRunning = true;
    await refresh();
  }

  if (d.type === "csv") {
    const rows = h("textarea", { name: "csv", rows: 6, placeholder: "username,email,first_name,last_name,groups" });
    const form = h("form", { class: "form" }, field("CSV rows", rows, "A header line, then one user a line."), h("button", { type: "submit", class: "primary" }, "Upload and sync"));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (rows.value.trim()) void start(undefined, rows.value);
    });
    card.append(form);
  } else {
    card.append(
      h("div", { class: "toolbar" }, h("button", { type: "button", class: "primary", onclick: () => start({}) }, "Sync now"), h("button", { type: "button", onclick: () => start({ dry_run: true }) }, "Dry run")),
    );
  }
  card.append(slot, h("h3", {}, "Recent runs"), history);
  refresh().catch((error) => attempt(slot, () => Promise.reject(error)));
  return card;
}
