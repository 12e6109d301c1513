/* Draws the plotly charts from the JSON each page embeds (json_script).
   Nothing is fetched: plotly.js (basic bundle, static/vendor/plotly) is served by this site. Without JavaScript
   the tables next to each chart carry the same numbers. */
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
  var charts = [];

  function draw() {
    if (typeof window.Plotly === "undefined") {
      return;
    }
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-chart"));
      if (!source) {
        return;
      }
      var figure = JSON.parse(source.textContent);
      window.Plotly.newPlot(element, figure.data, figure.layout, CONFIG);
      charts.push(element);
    });
  }

  window.addEventListener("beforeprint", function () {
    charts.forEach(function (element) {
      window.Plotly.relayout(element, { width: PRINT_WIDTH });
    });
  });
  window.addEventListener("afterprint", function () {
    charts.forEach(function (element) {
      window.Plotly.relayout(element, { width: null, autosize: true });
    });
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
