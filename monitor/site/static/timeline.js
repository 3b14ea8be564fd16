// Filters the timeline in place. The filters work without this script: each is a page of its
// own under timeline/ (linked in "Show only"). With it, three lists choose publisher, kind and
// year together and the rows that do not match are hidden, without loading another page.
(function () {
  "use strict";
  var holder = document.getElementById("live-filter");
  if (!holder) return;
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.docs tbody tr"));
  var empty = document.getElementById("filter-empty");
  var form = document.createElement("form");
  form.className = "live-filter";
  var status = document.createElement("p");
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  var fields = [
    { name: "publisher", label: "Publisher", all: "Every publisher" },
    { name: "kind", label: "Kind of publication", all: "Every kind" },
    { name: "year", label: "Year", all: "Every year" }
  ];
  var selects = {};

  fields.forEach(function (field) {
    var links = document.querySelectorAll('a[data-filter="' + field.name + '"]');
    var present = {};
    rows.forEach(function (row) { present[row.getAttribute("data-" + field.name)] = true; });
    var wrap = document.createElement("div");
    var label = document.createElement("label");
    label.htmlFor = "filter-" + field.name;
    label.textContent = field.label;
    var select = document.createElement("select");
    select.id = "filter-" + field.name;
    var all = document.createElement("option");
    all.value = "";
    all.textContent = field.all;
    select.appendChild(all);
    Array.prototype.forEach.call(links, function (link) {
      var value = link.getAttribute("data-value");
      if (!present[value]) return;
      var option = document.createElement("option");
      option.value = value;
      var parent = link.parentNode.parentNode.parentNode;
      var owner = field.name === "kind" && parent.querySelector ? parent.querySelector('a[data-filter="publisher"]') : null;
      option.textContent = (owner ? owner.textContent + ": " : "") + link.textContent;
      select.appendChild(option);
    });
    select.addEventListener("change", apply);
    selects[field.name] = select;
    wrap.appendChild(label);
    wrap.appendChild(select);
    form.appendChild(wrap);
  });

  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var ok = fields.every(function (field) {
        var wanted = selects[field.name].value;
        return !wanted || row.getAttribute("data-" + field.name) === wanted;
      });
      row.hidden = !ok;
      if (ok) shown++;
    });
    Array.prototype.forEach.call(document.querySelectorAll("section.year"), function (section) {
      section.hidden = !section.querySelector("tbody tr:not([hidden])");
    });
    if (empty) empty.hidden = shown !== 0;
    status.textContent = shown + " publication" + (shown === 1 ? "" : "s") + " shown";
  }

  function remember() {
    // the choice in the address, so it can be shared (not from file://, where browsers refuse)
    if (!window.history || window.location.protocol === "file:") return;
    var query = fields.filter(function (f) { return selects[f.name].value; })
      .map(function (f) { return f.name + "=" + encodeURIComponent(selects[f.name].value); }).join("&");
    window.history.replaceState(null, "", query ? "?" + query : window.location.pathname);
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("change", remember);
  holder.appendChild(form);
  holder.appendChild(status);
  // timeline.html?publisher=ombudsman&year=2025 opens with those chosen
  var params = new URLSearchParams(window.location.search);
  var chosen = false;
  fields.forEach(function (field) {
    var wanted = params.get(field.name);
    if (wanted && selects[field.name].querySelector('option[value="' + wanted.replace(/"/g, "") + '"]')) {
      selects[field.name].value = wanted;
      chosen = true;
    }
  });
  if (chosen) apply();
})();
