// The GOV.UK timeout warning: before the session ends for lack of activity, a modal dialog offers to stay
// signed in. The session lasts data-idle-seconds after the last request to the server; any tab's request
// (a page load, an autosave, "Stay signed in") renews it, so tabs share the time of the last one.

const STORAGE_KEY = "yjis-session-last-request";
const dialog = document.getElementById("timeout-warning");

if (dialog && typeof dialog.showModal === "function") {
  const idleMs = Number(dialog.dataset.idleSeconds) * 1000;
  const warnMs = Math.min(Number(dialog.dataset.warnSeconds) * 1000, idleMs / 2);
  const warning = dialog.querySelector("[data-timeout-state=warning]");
  const expired = dialog.querySelector("[data-timeout-state=expired]");
  const countdown = dialog.querySelector("[data-timeout-countdown]");
  const signIn = dialog.querySelector("[data-timeout-sign-in]");
  let returnFocusTo = null;
  let timer = null;

  // Signing in again comes back to this page (added only when needed: the page itself never shows it).
  const signInUrl = () => `${signIn.pathname}?next=${encodeURIComponent(location.pathname + location.search)}`;
  const lastRequest = () => Number(localStorage.getItem(STORAGE_KEY)) || Date.now();
  const renewed = () => {
    localStorage.setItem(STORAGE_KEY, String(Date.now()));
    schedule();
  };

  const describe = (ms) => {
    const minutes = Math.ceil(ms / 60000);
    if (ms <= 60000) return `${Math.max(1, Math.ceil(ms / 1000))} seconds`;
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  };

  const open = (state) => {
    if (state === "expired") signIn.href = signInUrl();
    warning.hidden = state !== "warning";
    expired.hidden = state !== "expired";
    if (!dialog.open) {
      returnFocusTo = document.activeElement;
      dialog.showModal();
    }
    (state === "warning" ? warning : expired).querySelector("h2").focus();
  };

  const close = () => {
    if (dialog.open) dialog.close();
    if (returnFocusTo && returnFocusTo.focus) returnFocusTo.focus();
    returnFocusTo = null;
  };

  function schedule() {
    clearTimeout(timer);
    const left = lastRequest() + idleMs - Date.now();
    if (left <= 0) {
      open("expired");
      return;
    }
    if (left <= warnMs) {
      countdown.textContent = describe(left);
      if (!dialog.open || warning.hidden) open("warning");
      // Count down each second in the last minute, each minute before it.
      timer = setTimeout(schedule, left <= 60000 ? 1000 : ((left - 1) % 60000) + 1);
      return;
    }
    if (dialog.open && !warning.hidden) close();
    timer = setTimeout(schedule, left - warnMs);
  }

  const staySignedIn = async () => {
    try {
      const token = document.querySelector("input[name=csrfmiddlewaretoken]");
      const response = await fetch(dialog.dataset.keepAliveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "", Accept: "application/json" },
      });
      if (response.status === 401) {
        open("expired");
        return;
      }
    } catch {
      // Offline: the next request will tell; keep the page as it is.
    }
    close();
    renewed();
  };

  dialog.querySelector("[data-timeout-stay]").addEventListener("click", staySignedIn);
  // Escape closes a modal dialog; as in the GOV.UK pattern, closing the warning keeps the person signed in.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    if (!warning.hidden) staySignedIn();
    else close();
  });
  window.addEventListener("storage", (event) => {
    if (event.key === STORAGE_KEY) schedule();
  });
  document.addEventListener("app:session-renewed", renewed);
  document.addEventListener("app:signed-out", () => {
    clearTimeout(timer);
    open("expired");
  });
  renewed();
}
