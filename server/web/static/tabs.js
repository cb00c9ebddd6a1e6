// The validation page's two forms as tabs. Without script both forms are simply shown.
(function () {
  var links = document.querySelectorAll(".tabs a[data-tab]");
  function show(id) {
    links.forEach(function (b) { b.classList.toggle("active", b.dataset.tab === id); });
    document.querySelectorAll("form.tab").forEach(function (f) { f.hidden = f.getAttribute("id") !== id; });  // not f.id: a field named "id" shadows it
  }
  links.forEach(function (a) {
    a.addEventListener("click", function (ev) { ev.preventDefault(); show(a.dataset.tab); });
  });
  var active = document.querySelector(".tabs a.active");
  show(active ? active.dataset.tab : "paste");
})();
