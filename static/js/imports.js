// Import pages: stop a second submit while the server works, and open the
// result when a streamed import has finished. The pages work without it.
(function () {
  "use strict";
  document.querySelectorAll("form[data-import-form]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
        button.textContent = "処理しています…";
      }
    });
  });
  var link = document.querySelector("a[data-import-result]");
  if (link && !document.querySelector(".import-progress__failed")) {
    window.location.assign(link.href);
  }
})();
