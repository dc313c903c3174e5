/* Portfolio table: sort by any column, open an account by clicking its row. */
(function () {
  "use strict";

  function sortBy(table, column, type, descending) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[column].getAttribute("data-value");
      var y = b.cells[column].getAttribute("data-value");
      var order = type === "number" ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function setUp(table) {
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, column) {
      var button = th.querySelector("button");
      if (!button) return;
      button.addEventListener("click", function () {
        var descending = th.getAttribute("aria-sort") !== "descending";
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        sortBy(table, column, th.getAttribute("data-type"), descending);
      });
    });
    table.addEventListener("click", function (event) {
      if (event.target.closest("a, button")) return;
      var row = event.target.closest("tr[data-href]");
      if (row) window.location.assign(row.getAttribute("data-href"));
    });
  }

  var tables = document.querySelectorAll("table.sg-sortable");
  for (var i = 0; i < tables.length; i++) setUp(tables[i]);
})();
