// Filters, sorting and paging for the mfpscan report. Rows are rendered by
// the server; this script only toggles the hidden attribute and reorders
// rows, so it stays linear in the number of rows for large fleets, and
// shows one page of devices at a time so the browser lays out only that.
(function () {
  "use strict";
  var data = {};
  try { data = JSON.parse(document.getElementById("mfp-data").textContent); } catch (e) { data = {}; }
  var $ = function (id) { return document.getElementById(id); };
  var sel = { severity: $("f-severity"), status: $("f-status"), point: $("f-point"), vendor: $("f-vendor") };
  var results = Array.prototype.slice.call(document.querySelectorAll("tr.result"));
  var devices = Array.prototype.slice.call(document.querySelectorAll("details.device"));
  var matrixRows = Array.prototype.slice.call(document.querySelectorAll("#matrix tbody tr.dev"));
  var kpCells = Array.prototype.slice.call(document.querySelectorAll("#matrix th.kp, #matrix td.cell"));

  function apply() {
    var sev = sel.severity.value, st = sel.status.value, kp = sel.point.value, vend = sel.vendor.value;
    var shown = 0;
    for (var i = 0; i < results.length; i++) {
      var r = results[i];
      var ok = (!sev || r.getAttribute("data-severity") === sev) &&
        (!st || r.getAttribute("data-status") === st) &&
        (!kp || r.getAttribute("data-point") === kp);
      if (ok) { shown++; r.removeAttribute("hidden"); } else { r.setAttribute("hidden", ""); }
    }
    // Devices passing the vendor filter are paged; the matrix pages its rows
    // in their current (possibly sorted) order, the details in theirs.
    var matching = 0;
    var from = page * pageSize, to = from + pageSize;
    for (var j = 0; j < devices.length; j++) {
      var d = devices[j];
      var on = !vend || d.getAttribute("data-vendor") === vend;
      if (on) { matching++; }
      var pos = matching - 1;
      if (on && pos >= from && pos < to) { d.removeAttribute("hidden"); } else { d.setAttribute("hidden", ""); }
    }
    var seenRows = 0;
    for (var k = 0; k < matrixRows.length; k++) {
      var m = matrixRows[k];
      var onRow = !vend || m.getAttribute("data-vendor") === vend;
      if (onRow) { seenRows++; }
      if (onRow && seenRows - 1 >= from && seenRows - 1 < to) { m.removeAttribute("hidden"); } else { m.setAttribute("hidden", ""); }
    }
    var pages = Math.max(1, Math.ceil(matching / pageSize));
    if (page >= pages) { page = pages - 1; apply(); return; }
    pager.hidden = pages <= 1;
    $("pg-info").textContent = "devices " + (matching ? from + 1 : 0) + "–" + Math.min(to, matching) +
      " of " + matching + " (page " + (page + 1) + " of " + pages + ")";
    $("pg-prev").disabled = page === 0;
    $("pg-next").disabled = page >= pages - 1;
    // A chosen key point dims the other matrix columns rather than hiding
    // them, so the table keeps its shape and the column stays easy to find.
    for (var c = 0; c < kpCells.length; c++) {
      kpCells[c].classList.toggle("kp-off", !!kp && kpCells[c].getAttribute("data-point") !== kp);
    }
    $("f-count").textContent = shown + " of " + results.length + " results shown" +
      (data.devices !== undefined ? " across " + data.devices + " devices" : "");
  }
  var pageSize = data.page_size > 0 ? data.page_size : 100;
  var page = 0;
  var pager = $("pager");
  for (var key in sel) { if (sel[key]) { sel[key].addEventListener("change", function () { page = 0; apply(); }); } }
  $("pg-prev").addEventListener("click", function () { if (page > 0) { page--; apply(); } });
  $("pg-next").addEventListener("click", function () { page++; apply(); });

  var matrix = $("matrix");
  if (matrix) {
    var heads = matrix.querySelectorAll("th.sortable");
    Array.prototype.forEach.call(heads, function (th) {
      th.addEventListener("click", function () {
        var field = th.getAttribute("data-sort");
        var desc = !th.classList.contains("sorted-desc") && th.classList.contains("sorted-asc");
        Array.prototype.forEach.call(heads, function (h) { h.classList.remove("sorted-asc", "sorted-desc"); });
        th.classList.add(desc ? "sorted-desc" : "sorted-asc");
        var rows = matrixRows.slice();
        rows.sort(function (a, b) {
          var x = a.getAttribute("data-" + field), y = b.getAttribute("data-" + field);
          var c = field === "fails" ? Number(x) - Number(y) : x.localeCompare(y, undefined, { numeric: true });
          return desc ? -c : c;
        });
        var frag = document.createDocumentFragment();
        rows.forEach(function (r) { frag.appendChild(r); });
        matrix.tBodies[0].appendChild(frag);
        matrixRows = rows;
        apply();
      });
    });
  }
  // Opening a device from the matrix expands its details element.
  // A device on another page of the details (the matrix may be sorted
  // differently) turns to that page first.
  window.addEventListener("hashchange", function () {
    var el = document.getElementById(location.hash.slice(1));
    if (!el || el.tagName !== "DETAILS") { return; }
    if (el.hasAttribute("hidden")) {
      if (sel.vendor.value && el.getAttribute("data-vendor") !== sel.vendor.value) { sel.vendor.value = ""; }
      var vend = sel.vendor.value, pos = 0;
      for (var i = 0; i < devices.length && devices[i] !== el; i++) {
        if (!vend || devices[i].getAttribute("data-vendor") === vend) { pos++; }
      }
      page = Math.floor(pos / pageSize);
      apply();
    }
    el.open = true;
    el.scrollIntoView();
  });
  apply();
})();
