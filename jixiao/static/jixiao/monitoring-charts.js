/* Charts of the monitoring dashboard (ECharts, served locally). The page passes its data as
   JSON (json_script "monitoring-data"); no inline script, so the CSP stays 'self'. Clicking a
   bar opens the list of forms behind it (each data point carries its URL). The tables under
   the charts show the same numbers without script. */
(function () {
  "use strict";
  var data = window.jixiaoCharts.data("monitoring-data");
  if (!data) {
    return;
  }
  var mount = window.jixiaoCharts.mount;
  var COLOURS = { red: "#dc3545", yellow: "#ffc107", green: "#198754", blue: "#0d6efd" };

  function execution() {
    var chart = mount("chart-execution");
    if (!chart) {
      return;
    }
    var rows = data.execution || [];
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
      grid: { left: 48, right: 24, top: 32, bottom: 56 },
      xAxis: { type: "category", data: rows.map(function (r) { return r.name; }),
               axisLabel: { interval: 0, rotate: rows.length > 5 ? 30 : 0 } },
      // Up to 100% at least, and always high enough to show the time-progress line.
      yAxis: { type: "value", axisLabel: { formatter: "{value}%" },
               max: function (extent) {
                 return Math.ceil(Math.max(extent.max, data.timeProgress || 0, 100) / 10) * 10;
               } },
      series: [{
        name: data.labels.rate,
        type: "bar",
        barMaxWidth: 36,
        data: rows.map(function (r) {
          var behind = r.rate != null && data.timeProgress && r.rate < data.timeProgress * 0.6;
          return { value: r.rate, url: r.url,
                   itemStyle: { color: behind ? COLOURS.red : "#3b7ddd" } };
        }),
        markLine: {
          symbol: "none",
          label: { formatter: data.labels.timeProgress + " {c}%", position: "insideEndTop" },
          lineStyle: { color: "#6c757d", type: "dashed" },
          data: [{ yAxis: data.timeProgress }]
        }
      }]
    });
  }

  function stacked(id, rows) {
    var chart = mount(id);
    if (!chart) {
      return;
    }
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 40, right: 24, top: 36, bottom: 56 },
      xAxis: { type: "category", data: rows.map(function (r) { return r.name; }),
               axisLabel: { interval: 0, rotate: rows.length > 5 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: data.colours.map(function (c) {
        return {
          name: c.label,
          type: "bar",
          stack: "colours",
          barMaxWidth: 36,
          itemStyle: { color: COLOURS[c.key] },
          data: rows.map(function (r) {
            return { value: r.counts[c.key] || 0, url: r.urls[c.key] };
          })
        };
      })
    });
  }

  execution();
  stacked("chart-departments", data.departments || []);
  stacked("chart-trend", data.trend || []);
})();
