/* lawgov-nlp coverage matrix and sortable tables: sort by a column, filter rows by text, hide
   documents that look unrelated. Plain JavaScript, no dependencies; the page works without it
   (the table is server-rendered), this only adds sorting and filtering. */
(function () {
  "use strict";

  var RANK = { implemented: 0, partial: 1, omitted: 2, not_applicable: 3 };
  var LABEL = { implemented: "落实 implemented", partial: "部分落实 partial", omitted: "未涉及 omitted", not_applicable: "不适用 not applicable" };

  function statusOf(cell) {
    var m = /\bs-(implemented|partial|omitted|not_applicable)\b/.exec(cell.className);
    return m ? m[1] : null;
  }

  function cellValue(row, col, kind) {
    var cell = row.cells[col];
    if (!cell) return kind === "text" ? "" : 0;
    if (kind === "status") { var st = statusOf(cell); return st === null ? 9 : RANK[st]; }
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
        var asc = th.classList.contains("sorted-asc") ? false : th.classList.contains("sorted-desc") ? true : kind !== "num";
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

  // a matrix cell's tooltip (document × item: status), made when the pointer first reaches it,
  // so a 600-document page does not carry 20,000 title attributes
  function tooltip(e) {
    var a = e.target.closest ? e.target.closest("table[data-matrix] td.c a") : null;
    if (!a || a.title) return;
    var td = a.parentNode, tr = td.parentNode, table = tr.closest("table");
    var doc = tr.querySelector("th.doc");
    var head = table.querySelector('thead th[data-col="' + td.cellIndex + '"]');
    var st = statusOf(td);
    a.title = (doc ? doc.title.split(" · ")[0] : "") + "\n× " + (head ? head.title : "") + "\n" + (LABEL[st] || "");
  }

  function init(root) {
    root = root || document;
    root.querySelectorAll("table[data-matrix], table[data-sortable]").forEach(makeSortable);
    root.querySelectorAll("[data-matrix-root]").forEach(makeFilterable);
  }

  document.addEventListener("mouseover", tooltip);
  document.addEventListener("focusin", tooltip);
  window.lawgovMatrix = { init: init };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(document); });
  else init(document);
})();
