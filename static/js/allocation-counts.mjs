// The allocation page's "cases for each person" follow the inspector chosen for each case as the choices
// change, before they are saved. Without JavaScript the table shows the figures the server worked out.
const totals = document.querySelector("[data-allocation-totals]");
const rows = [...document.querySelectorAll("#allocation tr[data-category]")];

function recount() {
  const counts = new Map();
  for (const row of rows) {
    const select = row.querySelector("select");
    if (!select || !select.value) continue;
    const count = counts.get(select.value) || { court: 0, out_of_court: 0 };
    count[row.dataset.category] = (count[row.dataset.category] || 0) + 1;
    counts.set(select.value, count);
  }
  for (const person of totals.querySelectorAll("tr[data-person]")) {
    const count = counts.get(person.dataset.person) || { court: 0, out_of_court: 0 };
    person.querySelector("[data-count=court]").textContent = count.court;
    person.querySelector("[data-count=out_of_court]").textContent = count.out_of_court;
    person.querySelector("[data-count=total]").textContent = count.court + count.out_of_court;
  }
}

if (totals && rows.length) {
  for (const row of rows) row.querySelector("select")?.addEventListener("change", recount);
  recount();
}
