/* Render every Plotly figure on the page from its JSON data block.
   A chart is <div class="chart" data-figure="ID"> plus <script type="application/json" id="ID">
   (Django's json_script): no inline code, so a strict Content-Security-Policy holds. */
(function () {
  "use strict";

  function render(root) {
    if (typeof window.Plotly === "undefined") return;
    (root || document).querySelectorAll("[data-figure]").forEach(function (div) {
      if (div.dataset.rendered === "1") return;
      var data = document.getElementById(div.dataset.figure);
      if (!data) return;
      var fig = JSON.parse(data.textContent);
      div.dataset.rendered = "1";
      window.Plotly.newPlot(div, fig.data, fig.layout, { responsive: true, displaylogo: false });
    });
  }

  function start() {
    render(document);
    document.body.addEventListener("htmx:load", function (event) { render(event.target); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
