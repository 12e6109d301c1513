/* Draws the plotly charts from the JSON each page embeds (json_script), each when it
   comes into view. plotly.js (basic bundle, static/vendor/plotly, served by this site;
   its address is this script tag's data-plotly-src) is ~1 MB to parse and run, so it is
   fetched only when a chart is within a screen of the viewport (after the page has
   loaded) and run only when a chart reaches it. Until then each chart's place is held
   at its height, and the tables next to the charts carry the same numbers, as they do
   without JavaScript. */
(function () {
  "use strict";

  var CONFIG = {
    displaylogo: false,
    responsive: true,
    showLink: false,
    showSendToCloud: false,
    showEditInChartStudio: false,
    modeBarButtonsToRemove: [
      "sendDataToCloud", "editInChartStudio", "zoom2d", "pan2d", "select2d", "lasso2d",
      "zoomIn2d", "zoomOut2d", "autoScale2d", "resetScale2d", "toggleSpikelines",
      "hoverClosestCartesian", "hoverCompareCartesian"
    ],
    toImageButtonOptions: { format: "png", filename: "chart" },
    locale: "ja",
    locales: {
      ja: {
        dictionary: {
          "Download plot as a png": "グラフを画像（PNG）で保存",
          "Download plot as a PNG": "グラフを画像（PNG）で保存",
          "Download plot": "グラフを画像で保存",
          "Double-click to zoom back out": "ダブルクリックで元の表示に戻ります",
          "Click to enter Colorscale title": "",
          "Click to enter Plot title": ""
        },
        format: {
          days: ["日曜日", "月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日"],
          shortDays: ["日", "月", "火", "水", "木", "金", "土"],
          months: ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"],
          shortMonths: ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"],
          date: "%Y/%m/%d",
          decimal: ".",
          thousands: ","
        }
      }
    }
  };
  var PRINT_WIDTH = 680; /* A4 portrait inside 15 mm margins at 96 dpi */
  var PLOTLY_SRC = document.currentScript && document.currentScript.getAttribute("data-plotly-src");
  var pending = Array.prototype.slice.call(document.querySelectorAll("[data-chart]"));
  var charts = [];
  var loading = null;
  var fetched = false;
  var inView = null;

  /* The bundle into the HTTP cache without running it (no main-thread work). */
  function prefetch() {
    if (fetched || loading || window.Plotly) {
      return;
    }
    fetched = true;
    var link = document.createElement("link");
    link.rel = "prefetch";
    link.as = "script";
    link.href = PLOTLY_SRC;
    document.head.appendChild(link);
  }

  function loadPlotly() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        if (window.Plotly) {
          resolve();
          return;
        }
        var script = document.createElement("script");
        script.src = PLOTLY_SRC;
        script.onload = function () { resolve(); };
        script.onerror = function () {
          /* Offline for a moment: the tables carry the numbers meanwhile. */
          document.head.removeChild(script);
          loading = null;
          reject(new Error("plotly.js did not load"));
        };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function draw(element) {
    var index = pending.indexOf(element);
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (index < 0 || !source || typeof window.Plotly === "undefined") {
      return;
    }
    pending.splice(index, 1);
    var figure = JSON.parse(source.textContent);
    element.textContent = ""; /* the placeholder */
    window.Plotly.newPlot(element, figure.data, figure.layout, CONFIG);
    element.setAttribute("data-drawn", "");
    charts.push(element);
  }

  /* One chart per task, so that drawing several keeps no long task. */
  var queue = [];
  function drawSoon(element) {
    queue.push(element);
    if (queue.length === 1) {
      loadPlotly().then(next, function () {
        /* Watched again: coming back into view tries once more. */
        queue.splice(0).forEach(function (element) { inView.observe(element); });
      });
    }
  }
  function next() {
    draw(queue.shift());
    if (queue.length) {
      window.setTimeout(next, 0);
    }
  }

  function drawAll() {
    return loadPlotly().then(function () {
      pending.slice().forEach(draw);
    });
  }

  function watch() {
    if (!("IntersectionObserver" in window)) {
      drawAll().catch(function () {});
      return;
    }
    var near = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        near.disconnect();
        /* After this round of observers: a chart already in view loads plotly itself. */
        window.setTimeout(prefetch, 0);
      }
    }, { rootMargin: "100% 0px" });
    inView = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          inView.unobserve(entry.target);
          drawSoon(entry.target);
        }
      });
    });
    pending.forEach(function (element) {
      near.observe(element);
      inView.observe(element);
    });
  }

  /* Printing: Ctrl/Cmd+P draws every chart first; a print started from the browser's
     menu before plotly has come prints the charts' tables instead (print.css). */
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "p" && pending.length) {
      event.preventDefault();
      var print = function () { window.print(); };
      drawAll().then(print, print);
    }
  });
  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    if (window.Plotly) {
      pending.slice().forEach(draw);
    } else {
      loadPlotly().catch(function () {});
    }
    pending.forEach(function (element) {
      var figure = element.closest(".figure");
      var table = figure && figure.querySelector("details.figure__data");
      if (table) {
        table.setAttribute("data-print-table", "");
        if (!table.open) {
          table.open = true;
          openedForPrint.push(table);
        }
      }
    });
    charts.forEach(function (element) {
      window.Plotly.relayout(element, { width: PRINT_WIDTH });
    });
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (table) { table.open = false; });
    openedForPrint = [];
    document.querySelectorAll("[data-print-table]").forEach(function (table) {
      table.removeAttribute("data-print-table");
    });
    charts.forEach(function (element) {
      window.Plotly.relayout(element, { width: null, autosize: true });
    });
  });

  if (!pending.length || !PLOTLY_SRC) {
    return;
  }
  if (document.readyState === "complete") {
    watch();
  } else {
    /* Nothing of plotly's competes with the page's own first load. */
    window.addEventListener("load", watch);
  }
})();
