// The team page's person search, as you type: the "Person" list keeps only the people whose name or email
// matches every word typed. Without JavaScript the Search button does the same on the server (?q=).
const search = document.querySelector("[data-person-search]");
const select = document.getElementById("id_user");

if (search && select) {
  const options = [...select.options].filter((option) => option.value);
  const status = document.createElement("p");
  status.className = "govuk-body govuk-!-margin-top-2";
  status.setAttribute("role", "status");
  search.closest(".govuk-form-group").append(status);
  search.addEventListener("input", () => {
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const option of options) {
      const match = words.every((word) => option.text.toLowerCase().includes(word));
      option.hidden = !match;
      option.disabled = !match;
      if (match) shown += 1;
    }
    if (select.selectedOptions[0]?.disabled) select.value = "";
    status.textContent = words.length ? `${shown} ${shown === 1 ? "person matches" : "people match"}` : "";
  });
}
