/* Charts of a government assessment result (ECharts, served locally). The page passes its
   data as JSON (json_script "government-result-data"); no inline script, so the CSP stays
   'self'. The tables under the charts show the same numbers without script. */
(function () {
  "use strict";
  var data = window.jixiaoCharts.data("government-result-data");
  if (!data) {
    return;
  }
  var mount = window.jixiaoCharts.mount;

  var parts = mount("chart-parts");
  if (parts) {
    parts.setOption({
      tooltip: {},
      grid: { left: 40, right: 16, top: 16, bottom: 28 },
      xAxis: { type: "category", data: data.parts.map(function (p) { return p.name; }) },
      yAxis: { type: "value", max: 100 },
      series: [{ type: "bar", barWidth: "40%", data: data.parts.map(function (p) { return p.value; }),
        label: { show: true, position: "top" } }]
    });
  }

  var items = mount("chart-items");
  if (items) {
    var rows = data.items.slice().reverse();
    items.setOption({
      tooltip: { valueFormatter: function (v) { return v + "%"; } },
      grid: { left: 190, right: 32, top: 16, bottom: 24 },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: rows.map(function (r) { return r.name; }) },
      series: [{
        type: "bar",
        data: rows.map(function (r) {
          var colour = !r.reviewed ? "#adb5bd" : r.value >= 90 ? "#198754" : r.value >= 60 ? "#0d6efd" : "#dc3545";
          return { value: r.value, itemStyle: { color: colour } };
        })
      }]
    });
  }
})();
