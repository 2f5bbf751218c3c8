/* lawgov-nlp coverage matrix and sortable tables: sort by a column, filter rows by text, hide
   documents that look unrelated. Plain JavaScript, no dependencies; the page works without it
   (the table is server-rendered), this only adds sorting and filtering. */
(function () {
  "use strict";

  function cellValue(row, col, kind) {
    var cell = row.cells[col];
    if (!cell) return kind === "text" ? "" : 0;
    var v = cell.getAttribute("data-v");
    if (v === null) v = cell.textContent.trim();
    if (kind === "text") return v;
    var n = parseFloat(v);
    return isNaN(n) ? -Infinity : n;
  }

  function makeSortable(table) {
    var tbody = table.tBodies[0];
    if (!tbody) return;
    var headers = table.querySelectorAll("thead th[data-sort]");
    var collator = new Intl.Collator("zh-CN", { numeric: true });
    headers.forEach(function (th, idx) {
      var col = th.hasAttribute("data-col") ? parseInt(th.getAttribute("data-col"), 10) : th.cellIndex;
      var kind = th.getAttribute("data-sort");
      th.tabIndex = 0;
      function sort() {
        // first click: text ascending, numbers descending (best coverage first); then toggle
        var asc = th.classList.contains("sorted-asc") ? false : th.classList.contains("sorted-desc") ? true : kind === "text";
        headers.forEach(function (h) { h.classList.remove("sorted-asc", "sorted-desc"); });
        th.classList.add(asc ? "sorted-asc" : "sorted-desc");
        var rows = Array.prototype.slice.call(tbody.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, col, kind), y = cellValue(b, col, kind);
          var c = kind === "text" ? collator.compare(x, y) : x - y;
          return asc ? c : -c;
        });
        var frag = document.createDocumentFragment();
        rows.forEach(function (r) { frag.appendChild(r); });
        tbody.appendChild(frag);
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  }

  function makeFilterable(root) {
    var table = root.querySelector("table[data-matrix], table[data-sortable]");
    if (!table || !table.tBodies[0]) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var filter = root.querySelector("[data-matrix-filter]");
    var unrelated = root.querySelector("[data-matrix-unrelated]");
    var count = root.querySelector("[data-matrix-count]");
    function apply() {
      var q = filter ? filter.value.trim().toLowerCase() : "";
      var showUnrelated = unrelated ? unrelated.checked : true;
      var shown = 0;
      rows.forEach(function (r) {
        var text = (r.getAttribute("data-text") || r.textContent).toLowerCase();
        var hide = (!showUnrelated && r.hasAttribute("data-unrelated")) || (q && text.indexOf(q) < 0);
        r.classList.toggle("hidden", !!hide);
        if (!hide) shown++;
      });
      if (count) count.textContent = shown + " of " + rows.length + " documents shown";
      root.dispatchEvent(new CustomEvent("lawgov:filter", { bubbles: true, detail: { q: q, unrelated: showUnrelated } }));
    }
    if (filter) filter.addEventListener("input", apply);
    if (unrelated) unrelated.addEventListener("change", apply);
    apply();
  }

  function init(root) {
    root = root || document;
    root.querySelectorAll("table[data-matrix], table[data-sortable]").forEach(makeSortable);
    root.querySelectorAll("[data-matrix-root]").forEach(makeFilterable);
  }

  window.lawgovMatrix = { init: init };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(document); });
  else init(document);
})();
