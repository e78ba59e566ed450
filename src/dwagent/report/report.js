// report.html behaviour: lazy lists, filters, search, a finding page, sortable tables.
// No network, no external code. Data from the audited tree is inserted as text only
// (textContent / createTextNode), never as markup: the tree is hostile input.
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("data").textContent);
  DATA.findings = [];
  DATA.evidence = {};
  var PAGE = 150;  // rows rendered per step: long lists are rendered on demand
  var byId = {};
  var rcById = {};
  DATA.root_causes.forEach(function (rc) { rcById[rc.id] = rc; });

  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k];
      else if (k === "cls") e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (kids || []).forEach(function (c) { e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  function findingLink(id) { return el("a", {href: "#f/" + id, text: id}); }
  function codeBlock(text) { return el("pre", {text: text || ""}); }

  // ---- root causes: grouped view, locations rendered when expanded
  function renderRootCauses() {
    var list = document.getElementById("rc-list");
    var blockingOnly = document.getElementById("rc-blocking").checked;
    list.textContent = "";
    DATA.root_causes.forEach(function (rc, i) {
      if (blockingOnly && rc.effect !== "block") return;
      var sum = el("summary", {}, [
        el("span", {cls: "sev-" + (rc.severity || "none"), text: (rc.severity || rc.kind) + " "}),
        el("b", {text: rc.title}), " — " + rc.count + " location(s), " + rc.components.length + " component(s) ",
        el("span", {cls: "muted", text: rc.effect + " · " + rc.id})]);
      var det = el("details", {cls: "rc", "data-rc": rc.id}, [sum]);
      det.addEventListener("toggle", function () {
        if (!det.open || det.dataset.done) return;
        det.dataset.done = "1";
        det.appendChild(el("p", {}, [el("b", {text: "What is wrong: "}), rc.what]));
        det.appendChild(el("p", {}, [el("b", {text: rc.effect === "block" ? "Why it blocks: " : "Why it matters: "}),
          (rc.blocking ? rc.blocking + " — " : "") + rc.why + (rc.blocks.length ? "; makes FAIL: " + rc.blocks.join("; ") : "")]));
        det.appendChild(el("p", {}, [el("b", {text: "Fix: "}), rc.fix]));
        det.appendChild(el("p", {}, [el("b", {text: "Re-audit verifies: "}), rc.verify]));
        rc.cited.forEach(function (c) {
          det.appendChild(el("div", {cls: "cite"}, [el("b", {text: "cited "}), (c.file || c.component || "") + (c.line ? ":" + c.line : "") + " ",
            c.finding_id ? findingLink(c.finding_id) : "", el("span", {cls: "muted", text: " " + (c.note || "")})]));
          if (c.excerpt) det.appendChild(codeBlock(c.excerpt));
        });
        if (rc.finding_ids.length) {
          var ul = el("ul", {cls: "locations"});
          rc.finding_ids.forEach(function (fid) {
            var f = byId[fid];
            ul.appendChild(el("li", {}, [findingLink(fid), " " + (f ? f.file + ":" + f.line + " " + f.severity : "")]));
          });
          det.appendChild(el("p", {text: "All " + rc.finding_ids.length + " location(s):"}));
          det.appendChild(ul);
        }
      });
      list.appendChild(det);
    });
  }

  // ---- findings: filters + full-text search over a lazily rendered table
  var FILTERS = ["severity", "category", "domain", "plugin", "scope"];
  function values(f, key) { return key === "domain" ? f.domains : [f[key]]; }
  function fillSelects() {
    FILTERS.forEach(function (key) {
      var seen = {};
      DATA.findings.forEach(function (f) { values(f, key).forEach(function (v) { if (v) seen[v] = (seen[v] || 0) + 1; }); });
      var sel = document.getElementById("f-" + key);
      Object.keys(seen).sort().forEach(function (v) {
        var label = key === "domain" ? (DATA.domains[v] || v) : v;
        sel.appendChild(el("option", {value: v, text: label + " (" + seen[v] + ")"}));
      });
      sel.addEventListener("change", function () { shown = 0; renderFindings(); });
    });
  }
  var shown = 0, matches = [];
  function haystack(f) {
    if (!f._hay) f._hay = [f.id, f.rule, f.category, f.file, f.message, f.excerpt, f.plugin].join("\n").toLowerCase();
    return f._hay;
  }
  function currentMatches() {
    var q = document.getElementById("search").value.toLowerCase().trim();
    var want = {};
    FILTERS.forEach(function (k) { want[k] = document.getElementById("f-" + k).value; });
    return DATA.findings.filter(function (f) {
      for (var i = 0; i < FILTERS.length; i++) {
        var k = FILTERS[i];
        if (want[k] && values(f, k).indexOf(want[k]) < 0) return false;
      }
      return !q || haystack(f).indexOf(q) >= 0;
    });
  }
  function row(f) {
    return el("tr", {"data-id": f.id}, [
      el("td", {cls: "sev-" + f.severity, text: f.severity}), el("td", {text: f.category}), el("td", {text: f.rule}),
      el("td", {}, [el("a", {href: "#f/" + f.id, text: f.file + ":" + f.line})]),
      el("td", {text: f.message})]);
  }
  function renderFindings(more) {
    var body = document.querySelector("#findings-table tbody");
    if (!more) { body.textContent = ""; shown = 0; matches = currentMatches(); }
    var frag = document.createDocumentFragment();
    matches.slice(shown, shown + PAGE).forEach(function (f) { frag.appendChild(row(f)); });
    body.appendChild(frag);
    shown = Math.min(matches.length, shown + PAGE);
    document.getElementById("f-count").textContent = shown + " of " + matches.length + " shown (" + DATA.findings.length + " findings)";
    document.getElementById("more").hidden = shown >= matches.length;
  }

  // ---- a finding's page: excerpt, hop path, guards, the hostile review's outcome
  function renderFinding(id) {
    var page = document.getElementById("finding-page");
    var f = byId[id];
    page.textContent = "";
    if (!f) { page.appendChild(el("p", {text: "No finding " + id + " in this report."})); page.hidden = false; return; }
    var rc = rcById[f.rc];
    page.appendChild(el("h2", {text: f.id + " — " + f.severity + " " + f.category + " (" + f.rule + ")" + (f.dropped ? " — dropped by the hostile review" : "")}));
    page.appendChild(el("p", {cls: "muted", text: f.file + ":" + f.line + "-" + f.end + " · scope " + f.scope + " · confidence " + f.confidence +
      " · reachability " + f.reach + (f.cwe.length ? " · CWE " + f.cwe.join(", ") : "") + (f.suppression ? " · suppression " + f.suppression : "")}));
    if (rc) page.appendChild(el("p", {}, ["Root cause: ", el("b", {text: rc.title}), " (" + rc.id + ", " + rc.count + " location(s)) — fix: " + rc.fix]));
    page.appendChild(el("p", {text: f.message}));
    page.appendChild(codeBlock(f.excerpt));
    page.appendChild(el("h3", {text: "Hop path"}));
    if (f.hops.length) {
      var ol = el("ol", {id: "hops"});
      f.hops.forEach(function (hp) { ol.appendChild(el("li", {}, [hp.file + ":" + hp.line + " " + (hp.note || ""), codeBlock(hp.excerpt)])); });
      page.appendChild(ol);
    } else page.appendChild(el("p", {cls: "muted", text: "The finding is local: no hop evidence."}));
    if (f.guards.length) {
      page.appendChild(el("h3", {text: "Guards seen"}));
      f.guards.forEach(function (g) { page.appendChild(el("div", {}, [g.file + ":" + g.line + " " + (g.note || ""), codeBlock(g.excerpt)])); });
    }
    page.appendChild(el("h3", {text: "Hostile review"}));
    var ul = el("ul", {id: "review"});
    if (!f.review.length) ul.appendChild(el("li", {text: "no challenge recorded"}));
    f.review.forEach(function (r) { ul.appendChild(el("li", {}, [el("b", {text: r.challenge + ": " + r.outcome}), " " + r.detail])); });
    page.appendChild(ul);
    page.appendChild(el("p", {}, [el("a", {href: "#findings", text: "back to the findings"})]));
    page.hidden = false;
    page.scrollIntoView();
  }

  function renderEvidence() {
    var box = document.getElementById("evidence-list");
    if (box.dataset.done) return;
    box.dataset.done = "1";
    Object.keys(DATA.evidence).sort().forEach(function (k) {
      var e = DATA.evidence[k];
      box.appendChild(el("div", {id: "ev-" + k}, [el("b", {text: k}), " ", el("span", {cls: "muted", text: e.kind + " " + e.file + ":" + e.start_line + " " + e.note})]));
      if (e.excerpt) box.appendChild(codeBlock(e.excerpt));
    });
  }

  function route() {
    var hash = decodeURIComponent(location.hash.slice(1));
    var page = document.getElementById("finding-page");
    document.querySelectorAll("#nav a").forEach(function (a) { a.classList.toggle("active", a.dataset.nav === hash); });
    if (hash.indexOf("f/") === 0) { renderFinding(hash.slice(2)); return; }
    page.hidden = true;
    if (hash === "evidence") renderEvidence();
  }

  // ---- sortable server-rendered tables
  function cellValue(r, idx) {
    var c = r.children[idx];
    if (!c) return "";
    var k = c.getAttribute("data-sort");
    return k !== null ? k : c.textContent.trim();
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("th");
    heads.forEach(function (th, idx) {
      th.addEventListener("click", function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var asc = !th.classList.contains("sorted-asc");
        heads.forEach(function (x) { x.classList.remove("sorted-asc", "sorted-desc"); });
        th.classList.add(asc ? "sorted-asc" : "sorted-desc");
        rows.sort(function (a, b) {
          var x = cellValue(a, idx), y = cellValue(b, idx);
          var nx = parseFloat(x), ny = parseFloat(y);
          var r = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
          return asc ? r : -r;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });

  document.getElementById("rc-blocking").addEventListener("change", renderRootCauses);
  renderRootCauses();
  window.__reportReady = performance.now();  // first render: overview and root causes (read by the browser test)

  // then the findings and the evidence: parsed and rendered after the first paint
  function inflate(b64) {
    var bin = atob(b64.trim()), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text();
  }
  function loadFindings() {
    inflate(document.getElementById("data-findings").textContent).then(function (text) { showFindings(JSON.parse(text)); });
  }
  function showFindings(more) {
    DATA.findings = more.findings;
    DATA.evidence = more.evidence;
    (more.dropped || []).forEach(function (f) { byId[f.id] = f; });
    DATA.findings.forEach(function (f) { byId[f.id] = f; });
    fillSelects();
    renderFindings();
    route();
    window.__findingsReady = performance.now();
  }
  var timer = null;
  document.getElementById("search").addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { renderFindings(); }, 120);
  });
  document.getElementById("more").addEventListener("click", function () { renderFindings(true); });
  window.addEventListener("hashchange", route);
  setTimeout(loadFindings, 0);
})();
