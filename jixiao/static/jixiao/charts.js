/* What every chart page shares (ECharts, served locally; no inline script, so the CSP stays
   'self'): the page's data read from its json_script element, a chart mounted on an element
   by id, a click on a point that carries a `url` opening the list behind it, and every chart
   resized with the window and before printing. Load it after echarts.min.js and before the
   page's own script. */
window.jixiaoCharts = (function () {
  "use strict";
  var charts = [];

  function resizeAll() {
    charts.forEach(function (chart) { chart.resize(); });
  }
  window.addEventListener("resize", resizeAll);
  window.addEventListener("beforeprint", resizeAll);

  return {
    /* The JSON of the element `id`, or null (no data, or ECharts not loaded). */
    data: function (id) {
      var source = document.getElementById(id);
      if (!source || typeof window.echarts === "undefined") {
        return null;
      }
      return JSON.parse(source.textContent);
    },
    /* An ECharts instance on the element `id`, or null when the page has no such element. */
    mount: function (id) {
      var element = document.getElementById(id);
      if (!element) {
        return null;
      }
      var chart = window.echarts.init(element, null, { renderer: "canvas" });
      chart.on("click", function (params) {
        var url = params.data && params.data.url;
        if (url) {
          window.location.href = url;
        }
      });
      charts.push(chart);
      return chart;
    }
  };
})();
