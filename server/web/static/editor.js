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
