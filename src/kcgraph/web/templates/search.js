(function () {
  "use strict";
  var index = window.KCGRAPH_INDEX || [];
  var box = document.getElementById("q");
  var hits = document.getElementById("hits");
  var status = document.getElementById("status");
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var folded = index.map(function (entry) { return fold(entry[1]); });
  function show(query) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    hits.textContent = "";
    if (!words.length) { status.textContent = index.length + " labels; type to search."; return; }
    var found = 0;
    for (var i = 0; i < index.length && found < 200; i++) {
      if (words.every(function (w) { return folded[i].indexOf(w) !== -1; })) {
        var li = document.createElement("li"), a = document.createElement("a");
        a.href = index[i][0];
        a.textContent = index[i][1];
        li.appendChild(a);
        hits.appendChild(li);
        found++;
      }
    }
    status.textContent = found + " label(s) match" + (found === 200 ? " (the first 200 shown)" : "") + ".";
  }
  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) { box.value = params.get("q"); }
  box.addEventListener("input", function () { show(box.value); });
  box.form.addEventListener("submit", function (event) { event.preventDefault(); show(box.value); });
  show(box.value);
})();
