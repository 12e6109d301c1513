// The round's lists: a 「すべて選ぶ」 button ticks every checkbox of its form (and
// unticks them when all are ticked). Without JavaScript the button stays hidden.
(function () {
  "use strict";
  document.querySelectorAll("button[data-pick-all]").forEach(function (button) {
    var form = document.getElementById(button.getAttribute("data-pick-all"));
    if (!form) {
      return;
    }
    var boxes = Array.prototype.slice.call(form.querySelectorAll("input.pick"));
    if (!boxes.length) {
      return;
    }
    var label = button.textContent;
    function refresh() {
      var all = boxes.every(function (box) { return box.checked; });
      button.textContent = all ? "選択を外す" : label;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var tick = !boxes.every(function (box) { return box.checked; });
      boxes.forEach(function (box) { box.checked = tick; });
      refresh();
    });
    boxes.forEach(function (box) { box.addEventListener("change", refresh); });
  });
})();
