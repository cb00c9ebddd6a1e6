// Labels beside IRIs in the /query page's YASGUI result table: the IRIs a page of results shows are
// sent to POST /api/labels (at most 500 at a time) and each one with a label in the public dataset
// gets its Chinese (and English, where there is one) label under it. The SPARQL answer itself is
// untouched: copy, download and the other views keep the standard results.
(function () {
  var root = document.getElementById("yasgui");
  if (!root || typeof MutationObserver === "undefined") return;
  var MAX = 500;
  var known = new Map();     // iri -> {zh, en} or null (no label)
  var waiting = new Map();   // iri -> [link elements]

  function show(a, lbl) {
    if (!lbl || a.parentNode.querySelector(".iri-labels")) return;
    var box = document.createElement("span");
    box.className = "iri-labels";
    ["zh", "en"].forEach(function (lang) {
      if (!lbl[lang]) return;
      var s = document.createElement("span");
      s.className = "iri-label"; s.lang = lang; s.textContent = lbl[lang];
      box.appendChild(s);
    });
    a.parentNode.appendChild(box);
  }

  function ask(iris) {
    fetch("/api/labels", { method: "POST", headers: { "Content-Type": "application/json" },
                           body: JSON.stringify({ iris: iris }) })
      .then(function (r) { return r.ok ? r.json() : {}; })
      .catch(function () { return {}; })
      .then(function (found) {
        iris.forEach(function (iri) {
          known.set(iri, found[iri] || null);
          (waiting.get(iri) || []).forEach(function (a) { show(a, found[iri]); });
          waiting.delete(iri);
        });
      });
  }

  function scan() {
    var fresh = [];
    root.querySelectorAll(".yasr a.iri:not([data-labels])").forEach(function (a) {
      a.setAttribute("data-labels", "");
      if (a.closest("sup")) return;  // a literal's datatype
      var iri = a.getAttribute("href");
      if (!/^https?:\/\//.test(iri || "")) return;
      if (known.has(iri)) { show(a, known.get(iri)); return; }
      if (!waiting.has(iri)) { waiting.set(iri, []); fresh.push(iri); }
      waiting.get(iri).push(a);
    });
    for (var i = 0; i < fresh.length; i += MAX) ask(fresh.slice(i, i + MAX));
  }

  var timer = null;
  new MutationObserver(function () {
    clearTimeout(timer);
    timer = setTimeout(scan, 50);  // once per redraw (a page of the table), not per cell
  }).observe(root, { childList: true, subtree: true });
})();
