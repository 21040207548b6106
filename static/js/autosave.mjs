// Saves each answer as soon as the inspector gives it, so nothing is lost (progressive enhancement: without
// JavaScript the page's Save button posts the whole page).
//
// - Every change goes to the form's data-autosave URL as JSON: {kind, code, version, fields}. The version is
//   the one the page last saw; a stale save is refused (409) with the other person's answer, shown next to
//   the question with a button to replace it with ours.
// - Until the server has confirmed it, every change is also kept in this browser (localStorage, per user and
//   case). If the session has ended (401) or the network is down, the changes stay there and are sent again
//   when the page is next loaded (after signing in) or the connection returns, and the page says so.

const SAVE_DELAY_MS = 800;
const RETRY_MS = 15000;

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
  this.form.addEventListener("click", (event) => {
    const button = event.target.closest("[data-use-mine]");
    if (button) {
      event.preventDefault();
      this.useMine(button);
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
    return ["version", "was"].includes(name) ? null : name;
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
  this.queue(key, field, value, Number(this.versionInput(row).value));
  if (this.stopped) {
    this.showStatus(row, "Kept in this browser");
    return;
  }
  this.showStatus(row, "Saving…");
  clearTimeout(this.timers.get(key));
  if (now) this.send(key);
  else this.timers.set(key, setTimeout(() => this.send(key), SAVE_DELAY_MS));
};

Autosave.prototype.queue = function (key, field, value, version) {
  const entry = this.pending.get(key) || { fields: {} };
  entry.fields[field] = value;
  this.pending.set(key, entry);
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
  const body = {
    kind: this.kind === "facts" ? "facts" : row.dataset.row,
    code: row.dataset ? row.dataset.code : undefined,
    version: Number(this.versionInput(row).value),
    fields: entry.fields,
  };
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
  else if (response.status === 403) this.forbidden(answer.message);
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
  document.dispatchEvent(new CustomEvent("app:session-renewed"));
};

Autosave.prototype.conflict = function (key, row, fields, answer) {
  // Our change stays on the page for text, and in the button below; radios show what is saved now.
  this.versionInput(row).value = answer.version;
  this.forget(key, fields);
  Object.assign(this.savedValues.get(key) || {}, answer.values || {});
  for (const [field, value] of Object.entries(answer.values || {})) {
    const input = this.inputsOf(row, field)[0];
    if (input && (input.type === "radio" || input.type === "checkbox")) this.writeField(row, field, value);
  }
  const box = this.messageBox(row);
  box.replaceChildren();
  const panel = element("div", { class: "govuk-error-message app-conflict" });
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
  const button = element("button", { type: "button", class: "govuk-button govuk-button--secondary govuk-!-margin-bottom-0", "data-use-mine": key }, "Replace their answer with mine");
  button.mine = fields;
  panel.append(button);
  box.append(panel);
  this.markError(row, true);
  this.showStatus(row, "Not saved");
  this.announce(answer.message);
};

Autosave.prototype.useMine = function (button) {
  const key = button.dataset.useMine;
  const row = this.rowByKey(key);
  const version = Number(this.versionInput(row).value);
  for (const [field, value] of Object.entries(button.mine || {})) {
    this.writeField(row, field, value);
    this.queue(key, field, value, version);
  }
  this.clearMessages(row);
  this.send(key);
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
  this.showNotice("Your changes cannot be saved", message || "You cannot change this case.");
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
