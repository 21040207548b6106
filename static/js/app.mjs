import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

initAll();

// GOV.UK's conditional reveal for radios marked data-app-reveal: the content a choice controls
// (data-aria-controls) shows only while that choice is checked. Unlike GOV.UK's radios module it puts no
// aria-expanded on the radio, which axe reports as not allowed; without JavaScript the content is always shown.
for (const group of document.querySelectorAll("[data-app-reveal]")) {
  const inputs = [...group.querySelectorAll("input[type=radio][data-aria-controls]")];
  const sync = () => {
    for (const input of inputs) {
      const target = document.getElementById(input.dataset.ariaControls);
      if (target) target.classList.toggle("govuk-radios__conditional--hidden", !input.checked);
    }
  };
  for (const input of inputs) input.setAttribute("aria-controls", input.dataset.ariaControls);
  for (const radio of group.querySelectorAll("input[type=radio]")) radio.addEventListener("change", sync);
  sync();
}
