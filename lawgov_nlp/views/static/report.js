/* lawgov-nlp static report: documents are packed (gzip, base64) and shown one at a time when
   a matrix cell or a document is clicked, so a report of 600 documents stays small and opens
   fast. The packed HTML was rendered and escaped by lawgov-nlp; nothing here builds markup from
   document text. */
(function () {
  "use strict";
  var store = document.getElementById("lg-sections");
  var view = document.getElementById("doc-view");
  if (!store || !view) return;
  var packed = JSON.parse(store.textContent);  // one base64 gzip string per document
  var shown = null;

  function decode(b64) {
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    if (typeof DecompressionStream === "undefined") {
      return Promise.reject(new Error("this browser cannot unpack the report (it needs DecompressionStream: Chrome 80+, Firefox 113+, Safari 16.4+)"));
    }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text();
  }

  function section(k) {
    if (!(k >= 0 && k < packed.length)) return Promise.reject(new Error("no document " + k));
    return decode(packed[k]);
  }

  function show(k) {
    if (shown === k) return Promise.resolve();
    return section(k).then(function (html) {
      view.innerHTML = html;
      shown = k;
      document.querySelectorAll("table[data-matrix] tr.sel").forEach(function (r) { r.classList.remove("sel"); });
      var row = document.querySelector('table[data-matrix] tr[data-k="' + k + '"]');
      if (row) row.classList.add("sel");
    });
  }

  function go(hash) {
    var m = /^#d(\d+)(?:-i(\d+))?$/.exec(hash || "");
    if (!m) return;
    show(parseInt(m[1], 10)).then(function () {
      var target = document.getElementById(hash.slice(1));
      if (target) target.scrollIntoView({ block: "start" });
    }, function (err) {
      view.textContent = String(err.message || err);
    });
  }

  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest('a[href^="#d"]') : null;
    if (!a) return;
    e.preventDefault();
    var hash = a.getAttribute("href");
    history.replaceState(null, "", hash);
    go(hash);
  });
  window.addEventListener("hashchange", function () { go(location.hash); });
  go(location.hash);
})();
