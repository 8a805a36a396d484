// Progressive enhancement for the setup portal: copy buttons, confirmations, a CSV file reader,
// and live activity (polls the directory's activity JSON). Every page works without it.

function copyButtons() {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.addEventListener("click", async () => {
      const input = document.getElementById(button.dataset.copy);
      if (!input) return;
      try {
        await navigator.clipboard.writeText(input.value);
      } catch {
        input.select();
        document.execCommand("copy");
      }
      button.textContent = "Copied";
      setTimeout(() => (button.textContent = "Copy"), 2000);
    });
  }
}

function confirmations() {
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
}

function csvReader() {
  for (const input of document.querySelectorAll("input[data-csv-into]")) {
    input.addEventListener("change", async () => {
      const target = document.getElementById(input.dataset.csvInto);
      const file = input.files?.[0];
      if (target && file) target.value = await file.text();
    });
  }
}

function part(panel, name) {
  return panel.querySelector(`[data-activity="${name}"]`);
}

function listItems(list, items, render) {
  list.replaceChildren(
    ...items.map((item) => {
      const li = document.createElement("li");
      render(li, item);
      return li;
    }),
  );
}

function renderRequest(li, r) {
  li.className = r.ok ? "ok" : "error";
  const time = document.createElement("time");
  time.dateTime = r.at;
  time.textContent = `${r.at.replace("T", " ").slice(0, 19)} UTC`;
  const code = document.createElement("code");
  code.textContent = `${r.method} ${r.path}`;
  const status = document.createElement("span");
  status.className = "status";
  status.textContent = String(r.status);
  const summary = document.createElement("p");
  summary.textContent = r.summary;
  li.append(time, " ", code, " ", status, summary);
}

function render(panel, data) {
  for (const badge of document.querySelectorAll('[data-activity="state"]')) {
    badge.textContent = data.state_label;
    badge.dataset.state = data.state;
    badge.className = `badge state-${data.state}`;
  }
  const counts = part(panel, "counts");
  if (counts) counts.textContent = data.counts_line;
  const waiting = part(panel, "waiting");
  if (waiting) waiting.hidden = data.state !== "unlinked";
  const lastError = part(panel, "last-error");
  if (lastError) {
    lastError.textContent = data.last_error ? data.last_error.summary : "None.";
    lastError.className = data.last_error ? "error" : "muted";
  }
  const requests = part(panel, "requests");
  if (requests) listItems(requests, data.requests, renderRequest);
  const none = part(panel, "no-requests");
  if (none) none.hidden = data.requests.length > 0;
  const users = part(panel, "users");
  if (users)
    listItems(
      users,
      data.users,
      (li, u) => (li.textContent = u.state === "inactive" ? `${u.username} (inactive)` : u.username),
    );
  const groups = part(panel, "groups");
  if (groups) listItems(groups, data.groups, (li, g) => (li.textContent = g.name));
  // A sync that finishes changes what the page offers (confirm a held run): reload it once.
  const run = document.querySelector('[data-activity="run"]');
  if (run && data.run && run.dataset.runState === "running" && data.run.state !== "running") window.location.reload();
}

function liveActivity() {
  const panel = document.querySelector("[data-activity-url]");
  if (!panel) return;
  const url = panel.dataset.activityUrl;
  let delay = 2000;
  async function poll() {
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } });
      if (response.ok) {
        render(panel, await response.json());
        delay = 2000;
      } else if (response.status === 401) {
        return; // the session ended: stop asking
      }
    } catch {
      delay = Math.min(delay * 2, 30000);
    }
    setTimeout(poll, delay);
  }
  setTimeout(poll, delay);
}

copyButtons();
confirmations();
csvReader();
liveActivity();
