// The simulation page's chart (web/simulation.html): reads the figures the page carries in
// <script type="application/json" id="simulation-chart-data"> and draws them with ECharts.
// A static file rather than an inline script, so the Content-Security-Policy allows no inline code.
(function () {
  var source = document.getElementById("simulation-chart-data");
  var target = document.getElementById("simulation-chart");
  if (!source || !target || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(target);
  chart.setOption({
    tooltip: {trigger: "axis"},
    legend: {data: ["调整前", "调整后"]},
    grid: {left: 90, right: 20, bottom: 80},
    xAxis: {type: "category", data: data.counties, axisLabel: {rotate: 45}},
    yAxis: {type: "value", name: "元/月"},
    series: [
      {name: "调整前", type: "bar", data: data.before.map(Number), itemStyle: {color: "#adb5bd"}},
      {name: "调整后", type: "bar", data: data.after.map(Number), itemStyle: {color: "#a61b1b"}}
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
