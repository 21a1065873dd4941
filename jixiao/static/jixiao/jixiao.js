// Page glue kept in a static file: the Content-Security-Policy allows no inline scripts.
document.addEventListener("htmx:responseError", function (event) {
  var status = event.detail.xhr.status;
  // The messages come translated from base.html (data-msg-* on <body>).
  var msg = document.body.dataset;
  var text = status === 403 ? msg.msgForbidden : status === 404 ? msg.msgNotFound : msg.msgFailed;
  window.alert(text);
});

// Forms marked data-jx-autosave="key" keep what was typed in this browser (localStorage) until
// they are submitted, so nothing is lost when a session times out or the page is closed.
// After signing in again the form is filled back in and says so.
(function () {
  var PREFIX = "jixiao-draft:";
  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "file" && el.type !== "hidden" && el.type !== "submit" &&
        el.type !== "password" && el.name !== "csrfmiddlewaretoken";
    });
  }
  function save(form, key) {
    var data = {};
    fields(form).forEach(function (el) {
      data[el.name] = el.type === "checkbox" ? el.checked : el.value;
    });
    try { localStorage.setItem(PREFIX + key, JSON.stringify(data)); } catch (e) { /* full */ }
  }
  function restore(form, key) {
    var raw = null;
    try { raw = localStorage.getItem(PREFIX + key); } catch (e) { return; }
    if (!raw) { return; }
    var data = JSON.parse(raw), changed = false;
    fields(form).forEach(function (el) {
      if (!(el.name in data)) { return; }
      if (el.type === "checkbox") {
        if (el.checked !== data[el.name]) { el.checked = data[el.name]; changed = true; }
      } else if (el.value !== data[el.name]) { el.value = data[el.name]; changed = true; }
    });
    if (changed) {
      var note = document.createElement("div");
      note.className = "alert alert-info py-2";
      note.setAttribute("data-testid", "draft-restored");
      note.textContent = document.body.dataset.msgDraftRestored || "已恢复上次未保存的内容。";
      form.insertBefore(note, form.firstChild);
    }
  }
  document.querySelectorAll("form[data-jx-autosave]").forEach(function (form) {
    var key = form.getAttribute("data-jx-autosave");
    // A page re-shown with errors already holds what was typed: keep it, refresh the copy.
    if (form.querySelector(".is-invalid, .alert-danger")) { save(form, key); } else { restore(form, key); }
    form.addEventListener("input", function () { save(form, key); });
    form.addEventListener("change", function () { save(form, key); });
    form.addEventListener("submit", function () {
      try { localStorage.removeItem(PREFIX + key); } catch (e) { /* ignore */ }
    });
  });
})();

// Buttons marked data-jx-busy="正在导入…" show that long work is under way once their form is
// sent (disabled a moment later, so the button's own name and value are still submitted).
document.querySelectorAll("form").forEach(function (form) {
  form.addEventListener("submit", function () {
    form.querySelectorAll("button[data-jx-busy]").forEach(function (button) {
      window.setTimeout(function () {
        button.disabled = true;
        var spinner = document.createElement("span");
        spinner.className = "spinner-border spinner-border-sm me-1";
        spinner.setAttribute("aria-hidden", "true");
        button.textContent = button.getAttribute("data-jx-busy");
        button.insertBefore(spinner, button.firstChild);
      }, 0);
    });
  });
});
