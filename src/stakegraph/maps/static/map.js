/* Draws every .sg-map on the page from the JSON beside it (no inline script: CSP-friendly). */
(function () {
  "use strict";

  function showDetails(panel, node) {
    // Plain text only: names and titles come from users.
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    if (!node) return;
    String(node.title || "").split("\n").forEach(function (line) {
      var cut = line.indexOf(": ");
      var dt = document.createElement("dt");
      var dd = document.createElement("dd");
      dt.textContent = cut > 0 ? line.slice(0, cut) : "";
      dd.textContent = cut > 0 ? line.slice(cut + 2) : line;
      panel.appendChild(dt);
      panel.appendChild(dd);
    });
  }

  function draw(container) {
    var source = document.getElementById(container.getAttribute("data-source"));
    var panel = document.getElementById(container.getAttribute("data-details"));
    var data = JSON.parse(source.textContent);
    var nodes = new vis.DataSet(data.nodes);
    var edges = new vis.DataSet(data.edges);
    var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
    network.once("afterDrawing", function () {
      container.setAttribute("data-drawn", "true");
      if (!data.options.physics.enabled) container.setAttribute("data-settled", "true");
    });
    if (data.options.physics.enabled) {
      // Settle once, then hold still: a map that keeps drifting is hard to read.
      network.once("stabilizationIterationsDone", function () {
        network.setOptions({ physics: { enabled: false } });
        network.fit();
        container.setAttribute("data-settled", "true");
      });
    } else {
      network.fit();
    }
    network.on("selectNode", function (params) {
      if (panel) showDetails(panel, nodes.get(params.nodes[0]));
    });
    network.on("deselectNode", function () {
      if (panel) showDetails(panel, null);
    });
    window.stakegraphMaps = window.stakegraphMaps || {};
    window.stakegraphMaps[container.id] = { network: network, nodes: nodes, edges: edges };
  }

  function start() {
    var maps = document.querySelectorAll(".sg-map");
    for (var i = 0; i < maps.length; i++) draw(maps[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
