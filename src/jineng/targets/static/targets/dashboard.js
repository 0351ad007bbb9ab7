/* The dashboards (targets/dashboard.html): the charts read the same figures as the page's
   tables from the API (data-url on #dashboard); a click on a bar, a county or a point opens the
   list behind its figure. No inline script: the site's CSP allows scripts from 'self' only. */
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  if (!root || typeof echarts === "undefined") return;
  var label = function (name) { return root.dataset["label" + name] || name; };
  var charts = [];

  function init(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    var chart = echarts.init(el);
    charts.push(chart);
    return chart;
  }

  function openUrl(params) {
    if (params.data && params.data.url) window.location.assign(params.data.url);
  }

  function progress(id, rows) {
    var chart = init(id);
    if (!chart) return;
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 60, right: 20, bottom: 80 },
      xAxis: { type: "category", data: rows.map(function (r) { return r.label; }),
               axisLabel: { rotate: 40, interval: 0 } },
      yAxis: { type: "value" },
      series: [
        { name: label("Done"), type: "bar",
          data: rows.map(function (r) { return { value: r.done, url: r.url }; }) },
        { name: label("Target"), type: "scatter", symbol: "rect", symbolSize: [28, 3],
          data: rows.map(function (r) { return r.target; }) }
      ]
    });
    chart.on("click", openUrl);
  }

  function map(data) {
    var chart = init("chart-map");
    if (!chart) return;
    var geo = echarts.getMap(data.map.name);
    if (!geo) return;
    var names = {};
    geo.geoJSON.features.forEach(function (f) { names[f.id] = f.properties.name; });
    var byPercent = data.map.by === "percent";
    var items = data.counties.filter(function (r) { return names[r.code]; }).map(function (r) {
      return { name: names[r.code], value: byPercent ? r.percent : r.done, url: r.url,
               code: r.code, done: r.done, target: r.target };
    });
    var values = items.map(function (i) { return i.value || 0; });
    chart.setOption({
      tooltip: {
        formatter: function (p) {
          if (!p.data) return p.name;
          var text = p.name + ": " + p.data.done;
          if (p.data.target != null) text += " / " + p.data.target + " (" + p.data.value + "%)";
          return text;
        }
      },
      visualMap: { min: 0, max: Math.max.apply(null, values.concat([byPercent ? 1 : 1])),
                   calculable: true, left: 0, bottom: 0, text: [byPercent ? "%" : "", ""] },
      series: [{ type: "map", map: data.map.name, roam: false, selectedMode: false,
                 label: { show: true }, data: items }]
    });
    chart.on("click", openUrl);
    root.dataset.mapReady = "1";
  }

  function trend(id, points, name) {
    var chart = init(id);
    if (!chart) return;
    chart.setOption({
      title: { text: name, textStyle: { fontSize: 13 } },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: points.map(function (p) { return p.key; }) },
      yAxis: { type: "value" },
      series: [{ type: "line", name: label("Done"),
                 data: points.map(function (p) { return { value: p.value, url: p.url }; }) }]
    });
    chart.on("click", openUrl);
  }

  function ranking(rows) {
    var chart = init("chart-institutions");
    if (!chart) return;
    var shown = rows.slice(0, 15).reverse();
    chart.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 200, right: 40 },
      xAxis: { type: "value", max: 100, name: label("Rate") },
      yAxis: { type: "category", data: shown.map(function (r) { return r.institution; }) },
      series: [{ type: "bar",
                 data: shown.map(function (r) { return { value: r.rate, url: r.url }; }),
                 label: { show: true, position: "right", formatter: "{c}%" } }]
    });
    chart.on("click", openUrl);  // a bar opens the institution's rows behind its figure
  }

  fetch(root.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(function (data) {
      progress("chart-counties", data.counties);
      progress("chart-departments", data.departments);
      map(data);
      trend("chart-week", data.trends.week, label("Week"));
      trend("chart-month", data.trends.month, label("Month"));
      ranking(data.indicator.institutions);
    })
    .catch(function () { root.dataset.failed = "1"; });

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
