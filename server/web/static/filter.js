// The query library: a filter box over names, summaries and tags; a click on a tag filters by it.
// Without script the whole list is simply shown.
(function () {
  var box = document.getElementById("library-filter");
  if (!box) { return; }
  var items = document.querySelectorAll("ul.library li[data-text]");
  var count = document.getElementById("library-count");
  function apply() {
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (li) {
      var text = li.dataset.text.toLowerCase();
      var hit = words.every(function (w) { return text.indexOf(w) >= 0; });
      li.hidden = !hit;
      shown += hit ? 1 : 0;
    });
    if (count) { count.textContent = String(shown); }
  }
  box.hidden = false;
  box.addEventListener("input", apply);
  document.querySelectorAll("ul.library .tag").forEach(function (t) {
    t.addEventListener("click", function () { box.value = t.textContent; apply(); box.focus(); });
  });
})();
