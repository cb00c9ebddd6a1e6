// The /query page's SPARQL editor: YASGUI over our /sparql endpoint, with our prefixes and the
// library's corpus queries as examples. Without YASGUI (not vendored) the plain form stays.
(function () {
  var cfgEl = document.getElementById("editor-config");
  if (!cfgEl || typeof Yasgui === "undefined") return;
  var cfg = JSON.parse(cfgEl.textContent);
  var form = document.getElementById("editor-form");
  var area = form.querySelector("textarea");
  var holder = document.getElementById("yasgui");
  var params = new URLSearchParams(window.location.search);
  // completion from our own vocabulary, never from prefix.cc or LOV
  var Yasqe = Yasgui.Yasqe;
  if (!Yasqe.Autocompleters.pkgProperty) {
    Yasqe.forkAutocompleter("property", { name: "pkgProperty", bulk: true, persistenceId: null,
      get: function () { return cfg.properties; } }, false);
    Yasqe.forkAutocompleter("class", { name: "pkgClass", bulk: true, persistenceId: null,
      get: function () { return cfg.classes; } }, false);
  }
  var yasgui = new Yasgui(holder, {
    requestConfig: { endpoint: cfg.endpoint, method: "POST", acceptHeaderSelect: "application/sparql-results+json" },
    copyEndpointOnNewTab: false,
    persistenceId: null,            // a permalink shows its own query, not the last session's
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: cfg.endpoint }]; } },
    yasqe: { value: area.value, resizeable: true, editorHeight: "260px", prefixCcApi: cfg.prefixesUrl,
             autocompleters: ["prefixes", "pkgProperty", "pkgClass", "variables"] },
    yasr: { prefixes: cfg.prefixes }
  });
  var tab = yasgui.getTab();
  var yasqe = tab.getYasqe();
  // an answer cut at the server's row or byte cap (X-Result-Truncated) is said above the table
  var notice = document.getElementById("editor-truncated");
  yasqe.on("queryResponse", function (_y, res) {
    var h = (res && res.header) || {};
    var cut = h["x-result-truncated"] === "true" || !!(res && res.body && res.body.truncated === true);
    if (notice && cut) {
      var n = h["x-result-count"] || "?";
      var cap = h["x-max-result-rows"] ? h["x-max-result-rows"] + " 行 rows" : (h["x-max-result-bytes"] || "?") + " 字节 bytes";
      notice.textContent = "结果已截断：只显示前 " + n + " 行（服务器上限 " + cap + "）— truncated: only the first " + n +
        " rows of a longer answer (the server's cap). 请加 LIMIT / OFFSET 或缩小查询 — page with LIMIT / OFFSET or narrow the query.";
      var yasrEl = holder.querySelector(".yasr");
      if (yasrEl && notice.parentNode !== yasrEl.parentNode) yasrEl.parentNode.insertBefore(notice, yasrEl);
    }
    if (notice) notice.hidden = !cut;
  });
  yasqe.addPrefixes(cfg.prefixes);
  yasqe.setValue(area.value);
  form.hidden = true;
  holder.hidden = false;
  // the library's queries as examples
  var pick = document.getElementById("editor-examples");
  if (pick) {
    pick.hidden = false;
    cfg.examples.forEach(function (ex) {
      var o = document.createElement("option");
      o.value = ex.name; o.textContent = ex.name + " — " + ex.summary; pick.appendChild(o);
    });
    pick.addEventListener("change", function () {
      var ex = cfg.examples.find(function (e) { return e.name === pick.value; });
      if (ex) { yasqe.setValue(ex.query); }
    });
  }
  // the permalink of what is in the editor
  var link = document.getElementById("editor-permalink");
  function update() {
    link.href = "/query?" + new URLSearchParams({ query: yasqe.getValue(), run: "1" }).toString();
  }
  yasqe.on("change", update);
  update();
  link.hidden = false;
  if (params.get("query") !== null && params.get("run") === "1") {
    var server = document.getElementById("results");
    if (server) server.hidden = true;  // YASGUI shows them
    yasqe.query();
  }
})();
