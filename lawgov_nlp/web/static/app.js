/* lawgov-nlp serve: load a matrix cell or a document's items beside the matrix without leaving
   the page, and keep the filter in the address and in the export links. The HTML loaded here was
   rendered and escaped by the server; links work without JavaScript too (as whole pages). */
(function () {
  "use strict";
  function panel() { return document.getElementById("cell-view"); }

  function load(href, hash) {
    var p = panel();
    if (!p) { location.href = href; return; }
    var url = href + (href.indexOf("?") < 0 ? "?" : "&") + "partial=1";
    p.setAttribute("aria-busy", "true");
    fetch(url, { headers: { "Accept": "text/html" } }).then(function (res) {
      return res.text().then(function (text) { return { ok: res.ok, text: text }; });
    }).then(function (r) {
      if (r.ok) { p.innerHTML = r.text; } else { p.textContent = r.text; }
      p.removeAttribute("aria-busy");
      var target = hash ? document.getElementById(hash) : p;
      var rect = (target || p).getBoundingClientRect();
      if (rect.top < 0 || rect.top > window.innerHeight - 80) (target || p).scrollIntoView({ block: "start" });
    }, function (err) { p.textContent = "could not load: " + err; });
  }

  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("table[data-matrix] td.c a, a[data-load], table[data-matrix] th.doc a") : null;
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey || !panel()) return;
    e.preventDefault();
    document.querySelectorAll("table[data-matrix] td.sel-cell").forEach(function (c) { c.classList.remove("sel-cell"); });
    if (a.parentNode.classList.contains("c")) a.parentNode.classList.add("sel-cell");
    var href = a.getAttribute("href"), hash = "";
    var h = href.indexOf("#");
    if (h >= 0) { hash = href.slice(h + 1); href = href.slice(0, h); }
    load(href, hash);
  });

  document.addEventListener("lawgov:filter", function (e) {
    var root = e.target;
    if (!root.hasAttribute || !root.hasAttribute("data-export-base")) return;
    var q = e.detail.q, unrelated = e.detail.unrelated;
    var params = new URLSearchParams(location.search);
    if (q) params.set("q", q); else params.delete("q");
    if (unrelated) params.set("unrelated", "1"); else params.delete("unrelated");
    history.replaceState(null, "", location.pathname + "?" + params.toString());
    root.querySelectorAll("a[data-export]").forEach(function (a) {
      var extra = new URLSearchParams({ fmt: a.getAttribute("data-export") });
      if (q) extra.set("q", q);
      if (unrelated) extra.set("unrelated", "1");
      a.setAttribute("href", root.getAttribute("data-export-base") + "&" + extra.toString());
    });
  });

  document.addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("[data-expand]") : null;
    if (!b) return;
    var open = b.getAttribute("data-open") !== "1";
    document.querySelectorAll("details.ctext").forEach(function (d) { d.open = open; });
    b.setAttribute("data-open", open ? "1" : "0");
    b.textContent = open ? "collapse all texts" : "expand all texts";
  });
})();
