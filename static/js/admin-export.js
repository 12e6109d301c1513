/* The admin's export page: 「すべて選択」 checks or clears every field, as the
   inline handler of django-import-export's own template did. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.getElementById("select-all-toggle");
    if (toggle && typeof window.onSelectToggleChange === "function") {
      toggle.addEventListener("change", window.onSelectToggleChange);
    }
  });
})();
