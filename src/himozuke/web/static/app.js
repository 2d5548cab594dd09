// himozuke serve: the progress of a running check from its server-sent events (no inline script: CSP).
(function () {
  "use strict";
  var run = document.getElementById("run");
  if (!run || !run.dataset.events || !window.EventSource) { return; }
  var bar = document.getElementById("bar");
  var phase = document.getElementById("phase");
  var box = document.getElementById("run-error");
  var source = new EventSource(run.dataset.events);
  source.onmessage = function (ev) {
    var s = JSON.parse(ev.data);
    phase.textContent = s.phase || s.status;
    if (s.total > 0) { bar.max = s.total; bar.value = s.done; } else { bar.removeAttribute("value"); }
    if (s.status === "完了") { source.close(); window.location.reload(); }
    if (s.status === "エラー") {
      source.close();
      var e = s.error || {};
      var where = [e.file, e.line ? e.line + " 行目" : null, e.column ? "列「" + e.column + "」" : null]
        .filter(Boolean).join(" ");
      box.textContent = (e.message || "点検を完了できませんでした") + (where ? "（" + where + "）" : "");
      box.hidden = false;
    }
  };
  source.onerror = function () { source.close(); };
})();
