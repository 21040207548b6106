// Saves each answer as soon as the inspector gives it, so nothing is lost (progressive enhancement: without
// JavaScript the page's Save button posts the whole page).
//
// - Every change goes to the form's data-autosave URL as JSON: {kind, code, version, fields}. The version is
//   the one the page last saw; a stale save is refused (409) with the other person's answer, shown next to
//   the question with a button to replace it with ours.
// - Until the server has confirmed it, every change is also kept in this browser (localStorage, per user and
//   case). If the session has ended (401) or the network is down, the changes stay there and are sent again
//   when the page is next loaded (after signing in) or the connection returns, and the page says so.
// - After a conflict nothing more of that answer is sent until the person chooses: keep their answer, or
//   replace it with mine. What they type meanwhile is kept in this browser (and offered again after a
//   reload) until they choose.
// - Moving through a radio group with the arrow keys checks each radio in turn: the choice is saved when the
//   keys stop (or focus leaves the group), so passing over an answer never saves it. Answering a key question
//   not applicable over answered prompts asks first (the server refuses it until confirmed).
// - A refused security check (403 without a reason: the CSRF token changed because the person signed in
//   again in another tab) fetches a fresh token and sends the change once more.

const SAVE_DELAY_MS = 800;
const RETRY_MS = 15000;
const ARROW_SETTLE_MS = 1200; // a radio reached with the arrow keys is saved once they rest this long
const NOT_SENT_FIELDS = ["version", "was", "theirs_version", "resolve", "clear_prompts"];

function Autosave(form) {
  this.form = form;
  this.url = form.dataset.autosave;
  this.kind = form.dataset.autosaveKind;
  this.storageKey = `yjis-unsaved:${form.dataset.caseKey || location.pathname}`;
  this.notice = document.getElementById("autosave-notice");
  this.live = document.getElementById("autosave-live");
  this.pending = new Map(); // row key -> {fields}
  this.inFlight = new Set();
  this.timers = new Map();
  this.stopped = false;
  this.restoring = null; // labels of changes restored from this browser, while they are being sent
  this.savedValues = new Map(); // row key -> {field: value} as the server last confirmed them
  this.userId = (form.dataset.caseKey || "").split(":")[0];
  this.conflicts = new Map(); // row key -> {theirs: {field: value}, version, mine: {field: value}}
  this.confirmed = new Set(); // row keys whose next save may set answered prompts to not applicable
  this.arrowAt = 0; // when an arrow key last moved through a radio group
  this.retriedToken = false;
}

Autosave.prototype.start = function () {
  for (const input of this.form.querySelectorAll("input, textarea, select")) {
    const row = this.rowOf(input);
    const field = row && this.fieldName(row, input);
    if (!field) continue;
    const key = this.rowKey(row);
    const values = this.savedValues.get(key) || {};
    values[field] = this.readField(row, field);
    this.savedValues.set(key, values);
  }
  this.form.addEventListener("change", (event) => this.onChange(event, true));
  this.form.addEventListener("input", (event) => {
    if (event.target.matches("textarea, input[type=text]")) this.onChange(event, false);
  });
  this.form.addEventListener("keydown", (event) => {
    if (event.key.startsWith("Arrow") && event.target.matches("input[type=radio]")) this.arrowAt = performance.now();
  });
  // Leaving a radio group reached with the arrow keys saves the choice it rests on at once.
  this.form.addEventListener("focusout", (event) => {
    const input = event.target;
    if (!input.matches("input[type=radio]")) return;
    const next = event.relatedTarget;
    if (next && next.matches && next.matches("input[type=radio]") && next.name === input.name) return;
    const row = this.rowOf(input);
    const key = row && this.rowKey(row);
    if (key && this.timers.has(key) && this.pending.has(key)) this.send(key);
  });
  this.form.addEventListener("click", (event) => {
    const actions = {
      "data-use-mine": (button) => this.useMine(button.getAttribute("data-use-mine")),
      "data-keep-theirs": (button) => this.keepTheirs(button.getAttribute("data-keep-theirs")),
      "data-confirm-na": (button) => this.confirmNotApplicable(button.getAttribute("data-confirm-na")),
      "data-cancel-na": (button) => this.cancelNotApplicable(button.getAttribute("data-cancel-na")),
    };
    for (const [attribute, act] of Object.entries(actions)) {
      const button = event.target.closest(`[${attribute}]`);
      if (button) {
        event.preventDefault();
        act(button);
        return;
      }
    }
  });
  // Leaving the page: send what is still waiting for a pause in typing (it is also kept in this browser).
  window.addEventListener("pagehide", () => {
    for (const key of [...this.pending.keys()]) {
      if (!this.inFlight.has(key)) this.send(key, { keepalive: true });
    }
  });
  this.restore();
};

// --- rows and fields --------------------------------------------------------------------------------

Autosave.prototype.rowOf = function (element) {
  if (this.kind === "facts") return this.form;
  return element.closest("[data-row]");
};

Autosave.prototype.rowKey = function (row) {
  return this.kind === "facts" ? "facts" : row.dataset.slug;
};

Autosave.prototype.rowByKey = function (key) {
  if (this.kind === "facts") return this.form;
  return this.form.querySelector(`[data-row][data-slug="${CSS.escape(key)}"]`);
};

Autosave.prototype.fieldName = function (row, input) {
  if (this.kind === "facts") {
    return ["csrfmiddlewaretoken", "version", "signed_in_as"].includes(input.name) ? null : input.name;
  }
  const slug = row.dataset.slug;
  if (input.name === slug) return "value";
  if (input.name.startsWith(`${slug}-`)) {
    const name = input.name.slice(slug.length + 1);
    return NOT_SENT_FIELDS.includes(name) ? null : name;
  }
  return null;
};

Autosave.prototype.inputName = function (row, field) {
  if (this.kind === "facts") return field;
  return field === "value" && row.dataset.row === "prompt" ? row.dataset.slug : `${row.dataset.slug}-${field}`;
};

Autosave.prototype.inputsOf = function (row, field) {
  return this.form.querySelectorAll(`[name="${CSS.escape(this.inputName(row, field))}"]`);
};

Autosave.prototype.readField = function (row, field) {
  const inputs = [...this.inputsOf(row, field)];
  if (!inputs.length) return undefined;
  const first = inputs[0];
  if (first.type === "radio") {
    const checked = inputs.find((input) => input.checked);
    return checked ? checked.value : "";
  }
  if (first.type === "checkbox") return first.checked;
  return first.value;
};

Autosave.prototype.writeField = function (row, field, value) {
  for (const input of this.inputsOf(row, field)) {
    if (input.type === "radio") input.checked = input.value === value;
    else if (input.type === "checkbox") input.checked = Boolean(value);
    else input.value = value;
  }
};

Autosave.prototype.versionInput = function (row) {
  if (this.kind === "facts") return this.form.querySelector("input[name=version]");
  return row.querySelector("input[data-version]");
};

Autosave.prototype.label = function (row, field) {
  if (this.kind === "facts") return field.replaceAll("_", " ");
  const value = row.dataset.row === "prompt" ? "" : " judgement";
  const names = { value, rationale: " rationale", out_of_scope_reason: " reason", quote: " quote", good_practice: " good practice" };
  return `${row.dataset.code}${names[field] ?? ""}`;
};

// --- changes ----------------------------------------------------------------------------------------

Autosave.prototype.onChange = function (event, now) {
  // Once signed out, changes are still kept in this browser; they are sent after signing in again.
  const row = this.rowOf(event.target);
  if (!row) return;
  const field = this.fieldName(row, event.target);
  if (!field) return;
  const key = this.rowKey(row);
  const value = this.readField(row, field);
  const conflict = this.conflicts.get(key);
  if (conflict) {
    // Nothing of this answer is sent until the person chooses; it is kept in this browser meanwhile.
    conflict.mine[field] = value;
    this.keep(key, field, value, conflict.pageVersion);
    this.showStatus(row, "Not saved: choose below whether to keep their answer or replace it with yours");
    return;
  }
  this.queue(key, field, value, Number(this.versionInput(row).value));
  if (this.stopped) {
    this.showStatus(row, "Kept in this browser");
    return;
  }
  this.showStatus(row, "Saving…");
  clearTimeout(this.timers.get(key));
  this.timers.delete(key);
  const byArrowKeys = event.target.type === "radio" && performance.now() - this.arrowAt < 250;
  if (byArrowKeys) this.timers.set(key, setTimeout(() => this.send(key), ARROW_SETTLE_MS));
  else if (now) this.send(key);
  else this.timers.set(key, setTimeout(() => this.send(key), SAVE_DELAY_MS));
};

Autosave.prototype.queue = function (key, field, value, version) {
  const entry = this.pending.get(key) || { fields: {} };
  entry.fields[field] = value;
  this.pending.set(key, entry);
  this.keep(key, field, value, version);
};

Autosave.prototype.keep = function (key, field, value, version) {
  const stash = this.readStash();
  const kept = stash[key] || { version, fields: {} };
  kept.fields[field] = value;
  stash[key] = kept;
  this.writeStash(stash);
};

Autosave.prototype.send = async function (key, { keepalive = false } = {}) {
  if (this.stopped || this.inFlight.has(key) || !this.pending.has(key)) return;
  const row = this.rowByKey(key);
  const entry = this.pending.get(key);
  this.pending.delete(key);
  this.inFlight.add(key);
  clearTimeout(this.timers.get(key));
  this.timers.delete(key);
  const body = {
    kind: this.kind === "facts" ? "facts" : row.dataset.row,
    code: row.dataset ? row.dataset.code : undefined,
    version: Number(this.versionInput(row).value),
    fields: entry.fields,
  };
  if (this.confirmed.delete(key)) body.confirm_clear_prompts = true;
  let response;
  try {
    response = await fetch(this.url, {
      method: "POST",
      credentials: "same-origin",
      keepalive,
      headers: { "Content-Type": "application/json", "X-CSRFToken": this.csrfToken(), Accept: "application/json" },
      body: JSON.stringify(body),
    });
  } catch {
    this.unreachable(key, entry.fields);
    return;
  }
  if (response.status >= 500) {
    // The server failed (a restart, say): nothing was saved, so keep the change and try again.
    this.unreachable(key, entry.fields);
    return;
  }
  // Still in flight until the answer is read and the new version taken: a change made meanwhile waits, so
  // that it is sent with that version rather than the one this request used.
  const answer = await response.json().catch(() => ({}));
  this.inFlight.delete(key);
  if (response.ok) this.saved(key, row, entry.fields, answer);
  else if (response.status === 409) this.conflict(key, row, entry.fields, answer);
  else if (response.status === 401) this.signedOut(key, row, entry.fields);
  else if (response.status === 403 && answer.error === "forbidden") this.forbidden(answer.message);
  else if (response.status === 403) {
    // Not a refusal of the person: the security check failed, most often because they signed in again in
    // another tab (a new CSRF token). Fetch the page's new token and send the change once more.
    this.requeue(key, entry.fields);
    if (!this.retriedToken && (await this.renewToken())) {
      this.retriedToken = true;
      this.send(key);
      return;
    }
    if (!this.stopped) this.outOfDate();
    return;
  } else if (answer.error === "clears_prompts") this.askNotApplicable(key, row, entry.fields, answer);
  else this.refused(key, row, entry.fields, answer.message || "Your change could not be saved.");
  if (!this.stopped && this.pending.has(key)) this.send(key);
  else if (this.restoring && !this.pending.size && !this.inFlight.size) this.restored();
};

Autosave.prototype.unreachable = function (key, fields) {
  this.inFlight.delete(key);
  this.requeue(key, fields);
  this.showNotice(
    "Your latest changes have not been saved yet",
    "The service cannot be reached. Your changes are kept in this browser and will be saved when the connection returns.",
  );
  setTimeout(() => this.send(key), RETRY_MS);
};

Autosave.prototype.requeue = function (key, fields) {
  const entry = this.pending.get(key) || { fields: {} };
  entry.fields = { ...fields, ...entry.fields };
  this.pending.set(key, entry);
};

Autosave.prototype.renewToken = async function () {
  // The autosave URL answers GET with a fresh token and who is signed in (cases.views.AutosaveView.get).
  let response;
  try {
    response = await fetch(this.url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  } catch {
    return false;
  }
  if (response.status === 401) {
    const [key] = this.pending.keys();
    const row = key ? this.rowByKey(key) : this.form;
    this.signedOut(key, row, {});
    return false;
  }
  const answer = await response.json().catch(() => ({}));
  if (!response.ok || !answer.csrf_token) return false;
  if (this.userId && String(answer.user) !== this.userId) {
    // Someone else has signed in in this browser: nothing of this page is sent as them.
    this.stopped = true;
    this.showNotice(
      "Someone else is signed in",
      "This browser is now signed in as another person, so your changes on this page have not been saved. Sign in as yourself again and reload the page.",
    );
    return false;
  }
  for (const input of document.querySelectorAll("input[name=csrfmiddlewaretoken]")) input.value = answer.csrf_token;
  return true;
};

Autosave.prototype.outOfDate = function () {
  this.stopped = true;
  this.showNotice(
    "Your latest changes have not been saved yet",
    "The page could not confirm who you are. Your changes are kept in this browser: reload the page to save them.",
  );
};

Autosave.prototype.csrfToken = function () {
  const input = this.form.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
};

// --- answers from the server ------------------------------------------------------------------------

Autosave.prototype.saved = function (key, row, fields, answer) {
  this.versionInput(row).value = answer.version;
  Object.assign(this.savedValues.get(key) || {}, fields);
  this.forget(key, fields, answer.version);
  this.clearMessages(row);
  this.showStatus(row, this.pending.has(key) ? "Saving…" : `Saved at ${answer.saved_at}`);
  this.announce(`Saved ${this.kind === "facts" ? "" : row.dataset.code}`.trim());
  for (const [code, version] of Object.entries(answer.prompts || {})) {
    const prompt = this.form.querySelector(`[data-row=prompt][data-code="${CSS.escape(code)}"]`);
    if (!prompt) continue;
    this.writeField(prompt, "value", "na");
    this.versionInput(prompt).value = version;
    Object.assign(this.savedValues.get(prompt.dataset.slug) || {}, { value: "na" });
    this.showStatus(prompt, `Set to not applicable at ${answer.saved_at}`);
  }
  if (this.notice && this.notice.dataset.reason === "offline") this.hideNotice();
  this.retriedToken = false;
  document.dispatchEvent(new CustomEvent("app:session-renewed"));
};

Autosave.prototype.conflict = function (key, row, fields, answer) {
  // Someone else saved this answer since the page was loaded. Nothing more of it is sent until the person
  // chooses; their text stays on the page and in this browser, radios show what is saved now.
  const earlier = this.conflicts.get(key);
  const mine = { ...(earlier ? earlier.mine : {}), ...this.unsentFields(key), ...fields };
  const pageVersion = earlier ? earlier.pageVersion : Number(this.versionInput(row).value);
  this.conflicts.set(key, { theirs: answer.values || {}, version: answer.version, mine, pageVersion });
  for (const [field, value] of Object.entries(mine)) this.keep(key, field, value, pageVersion);
  this.pending.delete(key);
  clearTimeout(this.timers.get(key));
  this.timers.delete(key);
  for (const [field, value] of Object.entries(answer.values || {})) {
    const input = this.inputsOf(row, field)[0];
    if (input && (input.type === "radio" || input.type === "checkbox")) this.writeField(row, field, value);
  }
  const box = this.messageBox(row);
  box.replaceChildren();
  const panel = element("div", { class: "govuk-error-message app-conflict", id: `${key}-conflict` });
  panel.append(element("p", { class: "govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-1" }, [
    element("span", { class: "govuk-visually-hidden" }, "Error: "),
    answer.message,
  ]));
  const list = element("dl", { class: "govuk-summary-list govuk-summary-list--no-border app-conflict__values" });
  for (const item of answer.current || []) {
    list.append(element("div", { class: "govuk-summary-list__row" }, [
      element("dt", { class: "govuk-summary-list__key" }, item.label),
      element("dd", { class: "govuk-summary-list__value app-preserve-lines" }, item.text),
    ]));
  }
  panel.append(list);
  panel.append(element("p", { class: "govuk-body" }, "Your answer is kept in this browser and has not been sent. Choose which answer to keep."));
  panel.append(element("div", { class: "govuk-button-group govuk-!-margin-bottom-0" }, [
    element("button", { type: "button", class: "govuk-button govuk-button--secondary govuk-!-margin-bottom-0", "data-keep-theirs": key }, "Keep their answer"),
    element("button", { type: "button", class: "govuk-button govuk-button--warning govuk-!-margin-bottom-0", "data-use-mine": key }, "Replace their answer with mine"),
  ]));
  box.append(panel);
  this.markError(row, true);
  this.showStatus(row, "Not saved: choose below whether to keep their answer or replace it with yours");
  this.announce(answer.message);
};

Autosave.prototype.unsentFields = function (key) {
  const stash = this.readStash();
  return stash[key] ? { ...stash[key].fields } : {};
};

Autosave.prototype.useMine = function (key) {
  const conflict = this.conflicts.get(key);
  if (!conflict) return;
  const row = this.rowByKey(key);
  this.conflicts.delete(key);
  this.versionInput(row).value = conflict.version;
  this.forget(key, conflict.mine);
  for (const [field, value] of Object.entries(conflict.mine)) {
    this.writeField(row, field, value);
    this.queue(key, field, value, conflict.version);
  }
  this.clearMessages(row);
  this.showStatus(row, "Saving…");
  this.send(key);
};

Autosave.prototype.keepTheirs = function (key) {
  const conflict = this.conflicts.get(key);
  if (!conflict) return;
  const row = this.rowByKey(key);
  this.conflicts.delete(key);
  this.versionInput(row).value = conflict.version;
  for (const [field, value] of Object.entries(conflict.theirs)) this.writeField(row, field, value);
  Object.assign(this.savedValues.get(key) || {}, conflict.theirs);
  const stash = this.readStash();
  delete stash[key];
  this.writeStash(stash);
  this.clearMessages(row);
  this.showStatus(row, "Their answer is kept");
  this.announce("Their answer is kept");
};

Autosave.prototype.askNotApplicable = function (key, row, fields, answer) {
  // The person chose not applicable over answered prompts: nothing is saved until they confirm.
  this.forget(key, fields);
  this.asking = this.asking || new Map();
  this.asking.set(key, fields);
  const box = this.messageBox(row);
  box.replaceChildren(element("div", { class: "govuk-error-message app-confirm-na" }, [
    element("p", { class: "govuk-body govuk-!-margin-bottom-2" }, [
      element("span", { class: "govuk-visually-hidden" }, "Error: "),
      answer.message,
    ]),
    element("div", { class: "govuk-button-group govuk-!-margin-bottom-0" }, [
      element("button", { type: "button", class: "govuk-button govuk-button--warning govuk-!-margin-bottom-0", "data-confirm-na": key }, "Set its prompts to not applicable"),
      element("button", { type: "button", class: "govuk-button govuk-button--secondary govuk-!-margin-bottom-0", "data-cancel-na": key }, "Keep my answer"),
    ]),
  ]));
  this.markError(row, true);
  this.showStatus(row, "Not saved yet: confirm below");
  this.announce(answer.message);
};

Autosave.prototype.confirmNotApplicable = function (key) {
  const fields = this.asking && this.asking.get(key);
  if (!fields) return;
  this.asking.delete(key);
  const row = this.rowByKey(key);
  for (const [field, value] of Object.entries(fields)) {
    this.writeField(row, field, value);
    this.queue(key, field, value, Number(this.versionInput(row).value));
  }
  this.confirmed.add(key);
  this.clearMessages(row);
  this.showStatus(row, "Saving…");
  this.send(key);
};

Autosave.prototype.cancelNotApplicable = function (key) {
  if (this.asking) this.asking.delete(key);
  const row = this.rowByKey(key);
  const saved = this.savedValues.get(key) || {};
  this.writeField(row, "value", saved.value ?? "");
  this.clearMessages(row);
  this.showStatus(row, "Not changed");
};

Autosave.prototype.refused = function (key, row, fields, message) {
  // A refused choice goes back to the saved one, so the page never shows an answer that is not saved.
  this.forget(key, fields);
  const saved = this.savedValues.get(key) || {};
  for (const field of Object.keys(fields)) {
    const input = this.inputsOf(row, field)[0];
    if (input && (input.type === "radio" || input.type === "checkbox")) this.writeField(row, field, saved[field] ?? "");
  }
  const box = this.messageBox(row);
  box.replaceChildren(element("p", { class: "govuk-error-message" }, [
    element("span", { class: "govuk-visually-hidden" }, "Error: "),
    message,
  ]));
  this.markError(row, true);
  this.showStatus(row, "Not saved");
  this.announce(message);
};

Autosave.prototype.signedOut = function (key, row, fields) {
  this.requeue(key, fields);
  this.stopped = true;
  this.showStatus(row, "Not saved yet: kept in this browser until you sign in again");
  // The timeout warning says so in its dialog, with the way to sign in again.
  document.dispatchEvent(new CustomEvent("app:signed-out"));
  const signIn = document.querySelector("[data-timeout-sign-in]");
  const href = `${signIn ? signIn.pathname : "/accounts/sign-in/"}?next=${encodeURIComponent(location.pathname)}`;
  const link = element("a", { class: "govuk-notification-banner__link", href }, "Sign in again to save them");
  this.showNotice("You have been signed out", [
    "Your changes since then are kept in this browser and have not been lost. ",
    link,
    ": they are saved as soon as this page opens again.",
  ]);
};

Autosave.prototype.forbidden = function (message) {
  this.stopped = true;
  this.showNotice("Your changes cannot be saved", message || "Your change was refused. Reload the page to see why.");
};

// --- what is kept in this browser ---------------------------------------------------------------------

Autosave.prototype.readStash = function () {
  try {
    return JSON.parse(localStorage.getItem(this.storageKey)) || {};
  } catch {
    return {};
  }
};

Autosave.prototype.writeStash = function (stash) {
  try {
    if (Object.keys(stash).length) localStorage.setItem(this.storageKey, JSON.stringify(stash));
    else localStorage.removeItem(this.storageKey);
  } catch {
    // A full or disabled localStorage only loses the safety net; the save itself still goes ahead.
  }
};

Autosave.prototype.forget = function (key, fields, version) {
  // Drops what the server now has; changes made since stay kept, based on the version just saved.
  const stash = this.readStash();
  const kept = stash[key];
  if (!kept) return;
  for (const [field, value] of Object.entries(fields)) {
    if (kept.fields[field] === value) delete kept.fields[field];
  }
  if (version !== undefined) kept.version = version;
  if (Object.keys(kept.fields).length) stash[key] = kept;
  else delete stash[key];
  this.writeStash(stash);
};

Autosave.prototype.restore = function () {
  // Changes kept from an earlier visit (signed out, or offline) that this page does not show yet.
  const stash = this.readStash();
  const labels = [];
  for (const [key, kept] of Object.entries(stash)) {
    const row = this.rowByKey(key);
    if (!row || !this.versionInput(row)) continue; // kept for the page that shows it
    const fields = {};
    for (const [field, value] of Object.entries(kept.fields)) {
      if (this.readField(row, field) !== value) {
        this.writeField(row, field, value);
        fields[field] = value;
        labels.push(this.label(row, field));
      }
    }
    if (Object.keys(fields).length) {
      this.pending.set(key, { fields });
      this.versionInput(row).value = kept.version;
    } else {
      delete stash[key];
    }
  }
  this.writeStash(stash);
  if (!labels.length) return;
  this.restoring = labels;
  for (const key of [...this.pending.keys()]) this.send(key);
};

Autosave.prototype.restored = function () {
  const labels = this.restoring;
  this.restoring = null;
  const failed = this.form.querySelectorAll(".govuk-form-group--error, .app-answer--error").length;
  this.showNotice(
    failed ? "Some restored changes need your attention" : "Your unsaved changes have been restored and saved",
    `These changes were kept in this browser when they could not be saved: ${labels.join(", ")}.` +
      (failed ? " Some could not be saved: see the messages next to those questions." : " They are now saved."),
  );
};

// --- the page -----------------------------------------------------------------------------------------

Autosave.prototype.messageBox = function (row) {
  let box = row.querySelector("[data-messages]");
  if (!box) {
    box = element("div", { class: "app-row-messages", "data-messages": "" });
    row.prepend(box);
  }
  return box;
};

Autosave.prototype.clearMessages = function (row) {
  const box = row.querySelector("[data-messages]");
  if (box) box.replaceChildren();
  this.markError(row, false);
  if (this.asking && row.dataset) this.asking.delete(row.dataset.slug);
};

Autosave.prototype.markError = function (row, on) {
  const group = row.matches(".govuk-form-group") ? row : row.querySelector(".govuk-form-group");
  if (group) group.classList.toggle("govuk-form-group--error", on);
};

Autosave.prototype.showStatus = function (row, text) {
  const status = this.kind === "facts" ? document.getElementById("facts-status") : row.querySelector("[data-status]");
  if (status) {
    status.textContent = text;
    status.hidden = false;
  }
};

Autosave.prototype.announce = function (text) {
  if (this.live) this.live.textContent = text;
};

Autosave.prototype.showNotice = function (title, content) {
  if (!this.notice) return;
  this.notice.replaceChildren(
    element("div", { class: "govuk-notification-banner", role: "region", "aria-labelledby": "autosave-notice-title" }, [
      element("div", { class: "govuk-notification-banner__header" }, [
        element("h2", { class: "govuk-notification-banner__title", id: "autosave-notice-title" }, "Important"),
      ]),
      element("div", { class: "govuk-notification-banner__content" }, [
        element("p", { class: "govuk-notification-banner__heading" }, title),
        element("p", { class: "govuk-body" }, content),
      ]),
    ]),
  );
  this.notice.dataset.reason = title.includes("not been saved yet") ? "offline" : "";
  this.notice.hidden = false;
  this.announce(title);
};

Autosave.prototype.hideNotice = function () {
  this.notice.hidden = true;
  this.notice.replaceChildren();
};

function element(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...(Array.isArray(children) ? children : [children]));
  return node;
}

const form = document.querySelector("form[data-autosave]");
if (form) {
  new Autosave(form).start();
}
