// The attendance sheet in exceptions mode (templates/orglife/attendance.html): only members marked 请假/缺席 and
// those found by the search (name, full pinyin or initials) are shown; the counts follow the choices.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("dj-attendance");
  if (!form) { return; }
  var search = form.querySelector("[data-dj-search]");
  var roll = form.querySelector("[data-dj-roll]");
  var rows = Array.prototype.slice.call(form.querySelectorAll("[data-dj-row]"));
  var rollRows = rows.filter(function (row) { return roll.contains(row); });
  var noMatch = form.querySelector("[data-dj-nomatch]");
  var LIMIT = 6;

  function status(row) {
    var checked = row.querySelector("input[type=radio]:checked");
    return checked ? checked.value : "present";
  }
  function excluded(row) {
    var box = row.querySelector("input[name^=excluded_]");
    return box && box.checked && status(row) !== "present";
  }
  function count() {
    var n = { expected: 0, present: 0, leave: 0, absent: 0 };
    rows.forEach(function (row) {
      if (excluded(row)) { return; }
      n.expected += 1;
      n[status(row)] += 1;
    });
    Object.keys(n).forEach(function (key) {
      var el = document.querySelector("[data-dj-count=" + key + "]");
      if (el) { el.textContent = n[key]; }
    });
  }
  function filter() {
    var q = (search.value || "").trim().toLowerCase().replace(/\s+/g, "");
    var shown = 0;
    rollRows.forEach(function (row) {
      var away = status(row) !== "present";
      var match = q && shown < LIMIT && (row.dataset.name.indexOf(q) !== -1 ||
        row.dataset.initials.indexOf(q) === 0 || row.dataset.pinyin.indexOf(q) === 0);
      if (match) { shown += 1; }
      row.hidden = !(away || match);
    });
    if (noMatch) { noMatch.hidden = !(q && shown === 0); }
  }
  rows.forEach(function (row) {
    row.addEventListener("change", function (event) {
      if (event.target.type !== "radio") { count(); return; }
      var reason = row.querySelector("[data-dj-reason]");
      var away = event.target.value !== "present";
      reason.hidden = !away;
      if (away && roll.contains(row)) {
        search.value = "";
        filter();
        var input = reason.querySelector("input[type=text]");
        if (input) { input.focus(); }
      }
      count();
    });
  });
  search.addEventListener("input", filter);
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); }
  });
  filter();
  count();
});
