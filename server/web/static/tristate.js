// Tri-state checkboxes of the validation form: unset → yes → no → unset.
// "yes" sends name=true (the checkbox), "no" sends name.no=true (its hidden twin), "unset" sends nothing,
// so an untouched declaration stays absent from the submission. Without script a box is yes/unset.
(function () {
  var TEXT = { "": "未填 unset", "true": "是 yes", "false": "否 no" };
  function paint(box, state) {
    var hidden = box.nextElementSibling;
    box.dataset.state = state;
    box.checked = state === "true";
    box.indeterminate = state === "";
    if (hidden && hidden.type === "hidden") hidden.disabled = state !== "false";
    var label = box.closest("label");
    var shown = label && label.querySelector(".tri-state");
    if (shown) shown.textContent = TEXT[state];
    if (label) label.dataset.state = state;
  }
  document.querySelectorAll("label.tri input[type=checkbox]").forEach(function (box) {
    paint(box, box.dataset.state || "");
    box.addEventListener("click", function () {
      var next = { "": "true", "true": "false", "false": "" }[box.dataset.state || ""];
      paint(box, next);
    });
  });
})();
