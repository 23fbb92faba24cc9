(function () {
  "use strict";
  var form = document.getElementById("query-form");
  var text = document.getElementById("query");
  var format = document.getElementById("format");
  var status = document.getElementById("status");
  var results = document.getElementById("results");
  var examples = JSON.parse(document.getElementById("examples").textContent);
  var base = form.dataset.base, local = form.dataset.local;
  document.getElementById("example").addEventListener("change", function (event) {
    var chosen = examples.filter(function (q) { return q.name === event.target.value; })[0];
    if (chosen) { text.value = chosen.text; }
  });
  function cell(term) {
    var td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      var a = document.createElement("a");
      a.textContent = term.value;
      a.href = term.value.indexOf(base) === 0 ? local + term.value.slice(base.length) : term.value;
      td.appendChild(a);
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) {
        var tag = document.createElement("span");
        tag.className = "lang";
        tag.textContent = term["xml:lang"];
        td.appendChild(document.createTextNode(" "));
        td.appendChild(tag);
      }
    }
    return td;
  }
  function table(payload) {
    if ("boolean" in payload) { return document.createTextNode(String(payload["boolean"])); }
    var t = document.createElement("table"), head = document.createElement("tr");
    payload.head.vars.forEach(function (v) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = v;
      head.appendChild(th);
    });
    t.appendChild(head);
    payload.results.bindings.forEach(function (row) {
      var tr = document.createElement("tr");
      payload.head.vars.forEach(function (v) { tr.appendChild(cell(row[v])); });
      t.appendChild(tr);
    });
    return t;
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    status.textContent = "Running…";
    results.textContent = "";
    var started = Date.now();
    var body = new URLSearchParams({ query: text.value });
    fetch(form.action, { method: "POST", body: body, headers: { Accept: format.value } })
      .then(function (response) {
        return response.text().then(function (answer) {
          var seconds = ((Date.now() - started) / 1000).toFixed(2);
          if (!response.ok) {
            status.textContent = "Error " + response.status + ": " + answer;
            return;
          }
          var rows = response.headers.get("X-Kcgraph-Rows");
          var cut = response.headers.get("X-Kcgraph-Truncated") === "true";
          status.textContent = (rows || "?") + " result(s) in " + seconds + " s" + (cut ? " (truncated at the row limit)" : "");
          if (format.value === "application/sparql-results+json") {
            results.appendChild(table(JSON.parse(answer)));
          } else {
            var pre = document.createElement("pre");
            pre.textContent = answer;
            results.appendChild(pre);
          }
        });
      })
      .catch(function (error) { status.textContent = "Error: " + error; });
  });
})();
