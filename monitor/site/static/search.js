// Client-side search over the index parts search/index-*.js (window.MONITOR_SEARCH_PARTS), loaded as scripts rather
// than fetched, because browsers refuse fetch() on file:// and the site must work offline.
// Query: words and "quoted phrases", all of which must appear in one page of text.
(function () {
  "use strict";
  // the parts hold the documents by their page name's digest; newest first across them all
  var index = { documents: [].concat.apply([], window.MONITOR_SEARCH_PARTS || []) };
  index.documents.sort(function (a, b) { return a.date < b.date ? 1 : a.date > b.date ? -1 : 0; });
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("results");
  var MAX = 200;

  function fold(text) {
    return text.toLowerCase().replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"').replace(/\s+/g, " ");
  }

  function terms(query) {
    var out = [];
    var re = /"([^"]+)"|(\S+)/g;
    var m;
    while ((m = re.exec(fold(query))) !== null) {
      var t = (m[1] || m[2]).trim();
      if (t) out.push(t);
    }
    return out;
  }

  function count(hay, needle) {
    var n = 0, at = hay.indexOf(needle);
    while (at !== -1) { n++; at = hay.indexOf(needle, at + needle.length); }
    return n;
  }

  function snippet(text, folded, needle) {
    var at = folded.indexOf(needle);
    var start = Math.max(0, at - 90), end = Math.min(text.length, at + needle.length + 90);
    var p = document.createElement("p");
    p.appendChild(document.createTextNode((start > 0 ? "…" : "") + text.slice(start, at)));
    var mark = document.createElement("mark");
    mark.textContent = text.slice(at, at + needle.length);
    p.appendChild(mark);
    p.appendChild(document.createTextNode(text.slice(at + needle.length, end) + (end < text.length ? "…" : "")));
    return p;
  }

  function search(query) {
    var wanted = terms(query);
    var hits = [];
    if (!wanted.length) return hits;
    index.documents.forEach(function (doc) {
      var title = fold(doc.title);
      doc.chunks.forEach(function (chunk) {
        var text = chunk[2], folded = fold(text);
        var score = 0;
        for (var i = 0; i < wanted.length; i++) {
          var n = count(folded, wanted[i]) + 3 * count(title, wanted[i]);
          if (!n) return;
          score += n * (wanted[i].indexOf(" ") !== -1 ? 3 : 1);
        }
        hits.push({ doc: doc, version: chunk[0], page: chunk[1], text: text, folded: folded, needle: wanted[0], score: score });
      });
    });
    hits.sort(function (a, b) { return b.score - a.score || (b.doc.date || "").localeCompare(a.doc.date || ""); });
    return hits;
  }

  function show(query) {
    list.textContent = "";
    var hits = search(query);
    status.textContent = hits.length
      ? hits.length + " match" + (hits.length === 1 ? "" : "es") + " for " + query + (hits.length > MAX ? " (first " + MAX + " shown)" : "")
      : "No matches for " + query;
    hits.slice(0, MAX).forEach(function (hit) {
      var li = document.createElement("li");
      var h = document.createElement("h2");
      var a = document.createElement("a");
      a.href = hit.doc.url + "#v" + hit.version;
      a.textContent = hit.doc.title;
      h.appendChild(a);
      li.appendChild(h);
      var where = document.createElement("p");
      where.className = "when";
      where.textContent = hit.doc.publisher + ", " + (hit.doc.when || hit.doc.date || "undated") + " · version " + hit.version + " · page " + hit.page;
      li.appendChild(where);
      li.appendChild(snippet(hit.text, hit.folded, hit.needle));
      list.appendChild(li);
    });
  }

  var params = new URLSearchParams(window.location.search);
  var initial = params.get("q") || "";
  if (initial) { input.value = initial; show(initial); }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var q = input.value.trim();
    if (!q) return;
    if (window.history && window.location.protocol !== "file:") {
      window.history.replaceState(null, "", "?q=" + encodeURIComponent(q));
    }
    show(q);
  });
})();
