// The figures page's charts (docs/CONSOLE.md, Figures), drawn with Chart.js (Debian's
// libjs-chart.js) from the tables themselves: a table with data-chart="bar|line" gets a chart
// above it of its columns marked data-chart-col, one point per row (the row's first cell is the
// label, each charted cell's data-v its value). Without JavaScript the tables say it all.
(function () {
  "use strict";
  var colours = ["#0b5cad", "#b42318", "#1a7f37", "#8a4b00"];
  function draw(table) {
    if (typeof window.Chart === "undefined") return;
    var heads = table.querySelectorAll("thead th");
    var charted = [];
    for (var i = 0; i < heads.length; i++) {
      if (heads[i].hasAttribute("data-chart-col")) charted.push(i);
    }
    var rows = table.querySelectorAll("tbody tr:not(.empty)");
    if (!charted.length || !rows.length) return;
    var labels = [];
    var datasets = charted.map(function (col, n) {
      return { label: heads[col].textContent, data: [], borderColor: colours[n % colours.length],
               backgroundColor: colours[n % colours.length], tension: 0.2 };
    });
    for (var r = 0; r < rows.length; r++) {
      var cells = rows[r].children;
      labels.push(cells[0].textContent);
      charted.forEach(function (col, n) {
        var v = cells[col] ? parseFloat(cells[col].getAttribute("data-v")) : NaN;
        datasets[n].data.push(isNaN(v) ? null : v);
      });
    }
    var box = document.createElement("div");
    box.className = "chart-box";
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", table.closest("section").querySelector("h3").textContent);
    canvas.id = table.id + "-chart";
    box.appendChild(canvas);
    var scroll = table.closest(".table-scroll") || table;
    scroll.parentNode.insertBefore(box, scroll);
    new window.Chart(canvas, {
      type: table.getAttribute("data-chart") === "line" ? "line" : "bar",
      data: { labels: labels, datasets: datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
                 scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
                 plugins: { legend: { display: datasets.length > 1 } } }
    });
  }
  function start() {
    var tables = document.querySelectorAll("table[data-chart]");
    for (var i = 0; i < tables.length; i++) draw(tables[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
