// Progress of the report's renders without reloading: while any render is queued or rendering, ask the
// server for the statuses; show "Rendering" as it starts, and reload once a render is ready or has failed
// so that its download link or retry button appears. Without JavaScript the page has a refresh link.
const table = document.querySelector("[data-render-status-url][data-pending]");

const finished = (status) => status === "ready" || status === "failed";

async function check() {
  const response = await fetch(table.dataset.renderStatusUrl, { headers: { Accept: "application/json" } });
  if (!response.ok) return true;
  const { renders } = await response.json();
  let pending = false;
  for (const render of renders) {
    const row = table.querySelector(`[data-render-id="${render.id}"]`);
    if (!row || row.dataset.renderState === render.status) {
      pending = pending || !finished(render.status);
      continue;
    }
    if (finished(render.status)) {
      window.location.reload();
      return false;
    }
    row.dataset.renderState = render.status;
    const tag = row.querySelector("[data-render-status] .govuk-tag");
    if (tag) tag.textContent = render.label;
    pending = true;
  }
  return pending;
}

if (table) {
  document.querySelectorAll(".app-no-js-only").forEach((element) => element.setAttribute("hidden", ""));
  const tick = async () => {
    let pending = true;
    try {
      pending = await check();
    } catch {
      pending = true;
    }
    if (pending) window.setTimeout(tick, 1500);
  };
  window.setTimeout(tick, 1000);
}
