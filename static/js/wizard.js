/* The wizard's live form.
   - After each autosave the server swaps in the field errors (out of band): mark the
     matching inputs invalid so assistive tech announces them.
   - A change typed less than the debounce delay before leaving the page (reload, step
     link, closing the tab) is flushed with sendBeacon, so nothing typed is lost. */
(function () {
  "use strict";

  var dirty = new WeakSet();
  document.documentElement.classList.add("js");

  function liveForm(el) {
    return el && el.closest ? el.closest("form[hx-post]") : null;
  }

  function syncInvalid() {
    document.querySelectorAll(".field-errors").forEach(function (box) {
      var invalid = box.textContent.trim() !== "";
      var field = box.closest(".field");
      if (field) field.classList.toggle("invalid", invalid);
      document.querySelectorAll('[aria-describedby~="' + box.id + '"]').forEach(function (input) {
        if (invalid) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
      });
    });
  }

  function flush() {
    document.querySelectorAll("form[hx-post]").forEach(function (form) {
      if (!dirty.has(form) || !navigator.sendBeacon) return;
      var data = new FormData(form);
      data.append("go", "autosave");
      navigator.sendBeacon(form.getAttribute("action"), data);
      dirty.delete(form);
    });
  }

  document.addEventListener("input", function (event) {
    var form = liveForm(event.target);
    if (form) dirty.add(form);
  });
  document.addEventListener("change", function (event) {
    var form = liveForm(event.target);
    if (form) dirty.add(form);
  });
  document.addEventListener("submit", function (event) {
    dirty.delete(event.target); // a normal submit carries every value
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = liveForm(event.target);
    if (form && event.target === form) {
      dirty.delete(form); // this request carries the current values
      form.classList.add("saving");
    } else if (!form) {
      flush(); // a step link is about to replace the form
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = liveForm(event.target);
    if (form) form.classList.remove("saving");
  });
  document.addEventListener("htmx:afterSettle", syncInvalid);
  window.addEventListener("pagehide", flush);
})();
