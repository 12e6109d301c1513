// Import pages: stop a second submit while the server works, and follow a
// background import: poll its status, show the progress, and reload the page
// (which then shows the dry run, the result or the failure) once it has
// finished. The pages work without it: the job's page shows the latest state
// whenever it is opened or reloaded.
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

  var box = document.querySelector("[data-import-status]");
  if (!box || !window.fetch) {
    return;
  }
  var label = box.querySelector("[data-import-label]");
  var bar = box.querySelector("[data-import-bar]");
  var delay = 1000;

  function show(status) {
    var text = status.label;
    if (status.total) {
      text += "（" + status.done + " / " + status.total + " 件）";
      bar.max = status.total;
      bar.value = status.done;
      bar.textContent = status.percent + "%";
    }
    if (label.textContent !== text) {
      label.textContent = text;
    }
  }

  function poll() {
    fetch(box.getAttribute("data-import-status"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      cache: "no-store",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (status) {
        if (!status.running) {
          window.location.reload();
          return;
        }
        show(status);
        delay = 1000;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        // The server may be busy or restarting: try again, less often.
        delay = Math.min(delay * 2, 15000);
        window.setTimeout(poll, delay);
      });
  }
  window.setTimeout(poll, delay);
})();
