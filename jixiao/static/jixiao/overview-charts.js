/* Charts of the leader overview (预算绩效管理总览; ECharts, served locally). The page passes its
   data as JSON (json_script "overview-data"); no inline script, so the CSP stays 'self'.
   Clicking a slice, bar or point opens the list behind it (each data point carries its URL).
   The tables beside the charts show the same numbers without script and on paper. */
(function () {
  "use strict";
  var data = window.jixiaoCharts.data("overview-data");
  if (!data) {
    return;
  }
  var mount = window.jixiaoCharts.mount;
  var BAR = "#3b7ddd";

  function percent(v) {
    return v == null ? "—" : v + "%";
  }

  function categoryAxis(rows) {
    return {
      type: "category",
      data: rows.map(function (r) { return r.name; }),
      axisLabel: { interval: 0, rotate: rows.length > 5 ? 30 : 0 }
    };
  }

  // A doughnut of counts: declaration states, warning colours, grades.
  function doughnut(id, items) {
    var chart = mount(id);
    if (!chart || !items) {
      return;
    }
    var empty = !items.some(function (item) { return item.value > 0; });
    chart.setOption({
      title: empty ? { text: data.labels.empty, left: "center", top: "middle",
                       textStyle: { color: "#6c757d", fontSize: 13, fontWeight: "normal" } }
                   : { show: false },
      tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
      legend: { bottom: 0, itemWidth: 12, itemHeight: 12 },
      series: [{
        type: "pie",
        radius: ["42%", "70%"],
        center: ["50%", "44%"],
        avoidLabelOverlap: true,
        label: { formatter: "{b} {c}" },
        // Empty slices say nothing on a doughnut; the table beside it lists the zeros.
        data: items.filter(function (item) { return item.value > 0; }).map(function (item) {
          return { name: item.name, value: item.value, url: item.url,
                   itemStyle: { color: item.colour } };
        })
      }]
    });
  }

  // Execution rate per department against the time-progress line.
  function execution(id, block) {
    var chart = mount(id);
    if (!chart || !block) {
      return;
    }
    var rows = block.rows || [];
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: percent },
      grid: { left: 48, right: 24, top: 28, bottom: 56 },
      xAxis: categoryAxis(rows),
      yAxis: { type: "value", axisLabel: { formatter: "{value}%" },
               max: function (extent) {
                 return Math.ceil(Math.max(extent.max, block.timeProgress || 0, 100) / 10) * 10;
               } },
      series: [{
        name: data.labels.rate,
        type: "bar",
        barMaxWidth: 36,
        data: rows.map(function (r) {
          var behind = r.rate != null && block.timeProgress && r.rate < block.timeProgress * 0.6;
          return { value: r.rate, url: r.url, itemStyle: { color: behind ? "#dc3545" : BAR } };
        }),
        markLine: {
          symbol: "none",
          label: { formatter: data.labels.timeProgress + " {c}%", position: "insideEndTop" },
          lineStyle: { color: "#6c757d", type: "dashed" },
          data: [{ yAxis: block.timeProgress }]
        }
      }]
    });
  }

  // Stacked bars: rows × series of counts (coverage by department, grades by year).
  function stackedSeries(block) {
    return block.series.map(function (s) {
      return {
        name: s.name,
        type: "bar",
        stack: "counts",
        barMaxWidth: 36,
        itemStyle: { color: s.colour },
        data: block.rows.map(function (r) {
          return { value: (r.counts && r.counts[s.key]) || 0, url: r.url };
        })
      };
    });
  }

  function coverage(id, block) {
    var chart = mount(id);
    if (!chart || !block) {
      return;
    }
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 40, right: 24, top: 32, bottom: 56 },
      xAxis: categoryAxis(block.rows),
      yAxis: { type: "value", minInterval: 1, name: data.labels.projects },
      series: stackedSeries(block)
    });
  }

  function resultTrend(id, block) {
    var chart = mount(id);
    if (!chart || !block) {
      return;
    }
    var series = stackedSeries(block);
    series.push({
      name: data.labels.average,
      type: "line",
      yAxisIndex: 1,
      symbolSize: 8,
      itemStyle: { color: "#6f42c1" },
      label: { show: true, position: "top" },
      data: block.rows.map(function (r) { return { value: r.average, url: r.url }; })
    });
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 44, right: 48, top: 36, bottom: 32 },
      xAxis: categoryAxis(block.rows),
      yAxis: [
        { type: "value", minInterval: 1, name: data.labels.projects },
        { type: "value", min: 0, max: 100, name: data.labels.average, splitLine: { show: false } }
      ],
      series: series
    });
  }

  function executionTrend(id, rows) {
    var chart = mount(id);
    if (!chart || !rows) {
      return;
    }
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: percent },
      legend: { top: 0 },
      grid: { left: 48, right: 24, top: 36, bottom: 32 },
      xAxis: categoryAxis(rows),
      yAxis: { type: "value", axisLabel: { formatter: "{value}%" }, min: 0,
               max: function (extent) { return Math.ceil(Math.max(extent.max, 100) / 10) * 10; } },
      series: [
        { name: data.labels.rate, type: "bar", barMaxWidth: 36, itemStyle: { color: BAR },
          label: { show: true, position: "top", formatter: "{c}%" },
          data: rows.map(function (r) { return { value: r.rate, url: r.url }; }) },
        { name: data.labels.timeProgress, type: "line", symbolSize: 8,
          itemStyle: { color: "#6c757d" }, lineStyle: { type: "dashed" },
          data: rows.map(function (r) { return { value: r.timeProgress, url: r.url }; }) }
      ]
    });
  }

  doughnut("chart-targets", data.targets);
  execution("chart-execution", data.execution);
  doughnut("chart-warnings", data.warnings);
  coverage("chart-coverage", data.coverage);
  doughnut("chart-grades", data.grades);
  resultTrend("chart-result-trend", data.resultTrend);
  executionTrend("chart-execution-trend", data.executionTrend);
})();
