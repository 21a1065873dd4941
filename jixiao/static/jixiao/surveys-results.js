/* Charts of a survey's results (ECharts, served locally). The page passes the counts per
   option as JSON (json_script "survey-figures"); the tables beside the charts show the same
   numbers without script. Rating and single-choice questions get a pie, multiple choice a
   bar chart (its shares do not add up to 100 %). */
(function () {
  "use strict";
  var figures = window.jixiaoCharts.data("survey-figures");
  if (!figures) {
    return;
  }

  function pie(item) {
    return {
      tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
      legend: { type: "scroll", bottom: 0 },
      series: [{
        type: "pie",
        radius: ["35%", "65%"],
        center: ["50%", "45%"],
        label: { formatter: "{b}\n{c}" },
        data: item.labels.map(function (label, i) { return { name: label, value: item.counts[i] }; })
      }]
    };
  }

  function bar(item) {
    return {
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 16, top: 16, bottom: 48 },
      xAxis: { type: "category", data: item.labels, axisLabel: { interval: 0, rotate: item.labels.length > 4 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", barMaxWidth: 36, data: item.counts, itemStyle: { color: "#3b7ddd" } }]
    };
  }

  figures.forEach(function (item) {
    var chart = window.jixiaoCharts.mount("chart-" + item.id);
    if (chart) {
      chart.setOption(item.kind === "multiple" ? bar(item) : pie(item));
    }
  });
})();
