// /reforms: with a reviewer token, the reform runs as a job (POST /api/reforms/jobs) and the page shows its
// progress (GET /api/reforms/jobs/{id}: done/total) until it is done; then the form is posted with the job's id
// and the server renders the job's result (table, totals, histogram). Without script the form posts as before.
(function () {
  "use strict";
  var form = document.getElementById("reform-form");
  if (!form || !window.fetch) return;
  var box = document.getElementById("job-progress");
  var bar = box.querySelector("progress");
  var text = box.querySelector(".job-text");
  var started = false;
  function show(done, total, state) {
    box.hidden = false;
    bar.max = total || 1;
    bar.value = done;
    text.textContent = total ? "评估中 evaluating: " + done + " / " + total + " 份申报 submissions" +
      (state === "done" ? " – 完成 done" : "") : "准备中 evaluating: preparing the reformed corpus…";
  }
  function fail(msg) {
    box.hidden = false;
    text.textContent = msg;
    box.classList.add("error-box");
    started = false;
  }
  form.addEventListener("submit", function (ev) {
    var token = form.querySelector("input[name=token]").value.trim();
    if (started || !token) return;  // no token: the plain post, and the API's 401 in the page
    ev.preventDefault();
    started = true;
    box.classList.remove("error-box");
    document.querySelectorAll(".error-box[role=alert], #results").forEach(function (el) { el.remove(); });  // stale
    var auth = {"Authorization": "Bearer " + token};
    fetch("/api/reforms/jobs", {method: "POST", body: form.querySelector("textarea[name=reform]").value,
                                headers: Object.assign({"Content-Type": "application/yaml"}, auth)})
      .then(function (r) { return r.json().then(function (j) { return [r, j]; }); })
      .then(function (rj) {
        var r = rj[0], job = rj[1];
        if (r.status !== 202) {
          if (r.status === 401 || r.status === 403 || r.status === 422) { form.submit(); return; }  // the page says why
          fail(job.error || ("HTTP " + r.status));
          return;
        }
        show(job.done, job.total, job.state);
        (function poll() {
          fetch("/api/reforms/jobs/" + encodeURIComponent(job.id), {headers: auth})
            .then(function (r2) { return r2.json(); })
            .then(function (s) {
              show(s.done, s.total, s.state);
              if (s.state === "running") { setTimeout(poll, 300); return; }
              form.querySelector("input[name=job]").value = job.id;
              form.submit();
            }, function () { fail("lost contact with the server"); });
        })();
      }, function () { fail("lost contact with the server"); });
  });
})();
