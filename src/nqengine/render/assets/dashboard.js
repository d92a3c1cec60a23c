"use strict";
(function () {
  var D = JSON.parse(document.getElementById("nq-data").textContent);
  var U = D.ui, NS = D.statuses.length, PAGE = 200, TABLE_PAGE = 100;
  var MET = D.statuses.indexOf("met"), LATE = D.statuses.indexOf("met_late"), NA = D.statuses.indexOf("not_applicable");
  var OVERDUE = D.statuses.indexOf("overdue"), VIOLATED = D.statuses.indexOf("violated");
  var DARK = [MET, VIOLATED, OVERDUE];
  function badge(s) { var b = el("span", "badge", D.labels[s]); b.style.background = D.colours[s]; if (DARK.indexOf(s) >= 0) b.style.color = "#fff"; return b; }
  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined && text !== null) e.textContent = String(text); return e; }
  function vn(iso) { if (!iso) return "—"; var p = iso.split("-"); return p[2] + "/" + p[1] + "/" + p[0]; }
  function pct(x) { return x === null ? "—" : (x * 100).toFixed(1).replace(".", D.lang === "en" ? "." : ",") + "%"; }
  function sum(a) { var s = 0; for (var i = 0; i < a.length; i++) s += a[i]; return s; }
  function figures(r) { // r = [counts, attendance]
    var c = r[0], total = sum(c), applicable = total - c[NA], done = c[MET] + c[LATE];
    return { counts: c, total: total, applicable: applicable, done: done, share: applicable ? done / applicable : null, att: r[1] };
  }
  function bar(counts) {
    var b = el("div", "bar"), total = sum(counts) - counts[NA];
    b.setAttribute("role", "img");
    var parts = [];
    [MET, LATE, D.statuses.indexOf("due_soon"), D.statuses.indexOf("pending"), D.statuses.indexOf("indeterminate"), OVERDUE, VIOLATED].forEach(function (s) {
      if (!counts[s] || !total) return;
      var sp = el("span"); sp.style.width = (100 * counts[s] / total) + "%"; sp.style.background = D.colours[s];
      sp.title = D.labels[s] + ": " + counts[s]; b.appendChild(sp); parts.push(D.labels[s] + " " + counts[s]);
    });
    b.setAttribute("aria-label", parts.join(", "));
    return b;
  }
  function total(oi) { // the whole evaluation: the sum over the roots
    var c = new Array(NS).fill(0), att = null;
    D.roots.forEach(function (r) {
      var x = D.roll[r][oi]; if (!x) return;
      for (var i = 0; i < NS; i++) c[i] += x[0][i];
      if (x[1]) { att = att || [0, 0, 0, 0]; for (var j = 0; j < 4; j++) att[j] += x[1][j]; }
    });
    return [c, att];
  }
  function attText(att) { return att ? U.members + " " + att[0] + "/" + att[1] + " (" + pct(att[1] ? att[0] / att[1] : null) + ")" : ""; }

  // --- header and overview ---------------------------------------------------
  document.title = U.title + " — " + D.title;
  $("nq-title").textContent = D.title;
  $("nq-asof").textContent = U.as_of + " " + D.as_of_vn;
  $("overview-h").textContent = U.overview;
  var list = $("overview-list"), legend = el("div", "legend");
  D.labels.forEach(function (l, i) { var k = el("span", "key", l); var sw = el("i"); sw.style.background = D.colours[i]; k.insertBefore(sw, k.firstChild); legend.appendChild(k); });
  list.appendChild(legend);
  D.obligations.forEach(function (ob, oi) {
    var f = figures(total(oi));
    if (!f.total) return;
    var row = el("div", "ob-row"); row.dataset.ob = ob.id;
    var name = el("div", "", ob.title); name.title = ob.id + " — " + U.clause + " " + ob.clause;
    row.appendChild(name); row.appendChild(bar(f.counts));
    var d = el("div", "num done", f.done + "/" + f.applicable); d.title = U.done; row.appendChild(d);
    row.appendChild(el("div", "num share", pct(f.share) + (f.att ? " · " + pct(f.att[1] ? f.att[0] / f.att[1] : null) : "")));
    list.appendChild(row);
  });

  // --- the tree, built lazily ------------------------------------------------
  $("tree-h").textContent = U.tree; $("tree-ob-label").textContent = U.obligation;
  var treeOb = $("tree-ob"), firstOb = -1;
  D.obligations.forEach(function (ob, oi) {
    if (!figures(total(oi)).applicable) return;
    if (firstOb < 0) firstOb = oi;
    var o = el("option", "", ob.title); o.value = oi; treeOb.appendChild(o);
  });
  function nodeRow(uid, oi) {
    var u = D.units[uid], r = D.roll[uid][oi];
    var row = el("div", "node"); row.dataset.unit = uid; row.setAttribute("role", "treeitem");
    var name = el("div", "name"); name.style.paddingLeft = (u[3] * 18) + "px";
    var kids = u[4].filter(function (k) { return D.roll[k][oi]; });
    if (kids.length) {
      var t = el("button", "tog", "▸"); t.type = "button"; t.setAttribute("aria-expanded", "false");
      t.setAttribute("aria-label", u[0]); t.addEventListener("click", function () { toggle(row, kids, oi, t); });
      name.appendChild(t);
    } else name.appendChild(el("span", "leaf"));
    name.appendChild(el("span", "", u[0] + (kids.length ? " (" + kids.length + ")" : ""))); name.title = uid;
    row.appendChild(name);
    var f = figures(r);
    row.appendChild(bar(f.counts));
    row.appendChild(el("div", "num done", f.done + "/" + f.applicable));
    row.appendChild(el("div", "num share", pct(f.share)));
    var bad = f.counts[OVERDUE] + f.counts[VIOLATED];
    row.appendChild(el("div", "num " + (bad ? "bad" : "muted"), bad ? bad + " " + U.overdue + "/" + U.violated : ""));
    var at = el("div", "num muted att", f.att ? pct(f.att[1] ? f.att[0] / f.att[1] : null) + " " + U.members_short : "");
    if (f.att) at.title = attText(f.att);
    row.appendChild(at);
    return row;
  }
  function toggle(row, kids, oi, btn) {
    var box = row.nextSibling && row.nextSibling.classList && row.nextSibling.classList.contains("kids") ? row.nextSibling : null;
    if (box) { box.hidden = !box.hidden; btn.textContent = box.hidden ? "▸" : "▾"; btn.setAttribute("aria-expanded", String(!box.hidden)); return; }
    box = el("div", "kids"); box.setAttribute("role", "group");
    row.parentNode.insertBefore(box, row.nextSibling);
    addKids(box, kids, 0, oi);
    btn.textContent = "▾"; btn.setAttribute("aria-expanded", "true");
  }
  function addKids(box, kids, from, oi) {
    var end = Math.min(kids.length, from + PAGE);
    for (var i = from; i < end; i++) box.appendChild(nodeRow(kids[i], oi));
    if (end < kids.length) {
      var more = el("button", "more noprint", U.more + " (" + (kids.length - end) + ")"); more.type = "button";
      more.addEventListener("click", function () { box.removeChild(more); addKids(box, kids, end, oi); });
      box.appendChild(more);
    }
  }
  function drawTree() {
    var oi = +treeOb.value, tree = $("tree"); tree.textContent = "";
    D.roots.forEach(function (r) { if (D.roll[r][oi]) tree.appendChild(nodeRow(r, oi)); });
    drawTimeline(oi);
  }

  // --- timeline: units done per day against the deadline -------------------
  $("timeline-h").textContent = U.timeline;
  function drawTimeline(oi) {
    var box = $("timeline"); box.textContent = "";
    var ob = D.obligations[oi], perDay = {}, first = null, last = D.as_of;
    D.verdicts.forEach(function (v) { if (v[0] === oi && v[4]) { perDay[v[4]] = (perDay[v[4]] || 0) + 1; if (!first || v[4] < first) first = v[4]; } });
    var wrap = el("div", "tl"); wrap.dataset.ob = ob.id;
    wrap.appendChild(el("div", "", ob.title + (ob.due ? " — " + U.due + " " + vn(ob.due) : "")));
    if (!first) { wrap.appendChild(el("div", "muted", U.nothing)); box.appendChild(wrap); return; }
    if (ob.due && ob.due > last) last = ob.due;
    var day = 864e5, t0 = Date.parse(first), n = Math.round((Date.parse(last) - t0) / day) + 1, max = 0;
    Object.keys(perDay).forEach(function (k) { max = Math.max(max, perDay[k]); });
    var W = 900, H = 140, pad = 28, bw = Math.max(1, (W - 2 * pad) / n);
    var NSVG = "http://www.w3.org/2000/svg", svg = document.createElementNS(NSVG, "svg");
    svg.setAttribute("viewBox", "0 0 " + W + " " + H); svg.setAttribute("width", "100%"); svg.setAttribute("role", "img");
    function s(tag, attrs, text) { var e = document.createElementNS(NSVG, tag); for (var k in attrs) e.setAttribute(k, attrs[k]); if (text) e.textContent = text; svg.appendChild(e); return e; }
    Object.keys(perDay).forEach(function (k) {
      var i = Math.round((Date.parse(k) - t0) / day), h = (H - 2 * pad) * perDay[k] / max;
      var late = ob.due && k > ob.due;
      var r = s("rect", { x: pad + i * bw, y: H - pad - h, width: Math.max(1, bw - 1), height: h, fill: late ? "#f0a35e" : "#4caf50" });
      var tt = document.createElementNS(NSVG, "title"); tt.textContent = vn(k) + ": " + perDay[k] + " " + U.per_day; r.appendChild(tt);
    });
    s("line", { x1: pad, y1: H - pad, x2: W - pad, y2: H - pad, stroke: "#999" });
    function mark(iso, colour, label) {
      var x = pad + Math.round((Date.parse(iso) - t0) / day) * bw + bw / 2;
      s("line", { x1: x, y1: 8, x2: x, y2: H - pad, stroke: colour, "stroke-dasharray": "4 3" });
      s("text", { x: Math.min(x + 3, W - 80), y: 16 }, label);
    }
    if (ob.due) mark(ob.due, "#b42318", U.due + " " + vn(ob.due));
    mark(D.as_of, "#57606a", vn(D.as_of));
    s("text", { x: pad, y: H - 8 }, vn(first)); s("text", { x: W - pad - 60, y: H - 8 }, vn(last));
    s("text", { x: 2, y: pad }, String(max));
    wrap.appendChild(svg); box.appendChild(wrap);
  }
  treeOb.addEventListener("change", drawTree);
  if (firstOb >= 0) { treeOb.value = firstOb; drawTree(); }

  // --- the table of verdicts -------------------------------------------------
  $("table-h").textContent = U.table;
  var fOb = $("f-ob"), fSt = $("f-status"), fLv = $("f-level"), fUnit = $("f-unit");
  function opt(sel, value, text) { var o = el("option", "", text); o.value = value; sel.appendChild(o); }
  opt(fOb, "", U.obligation + ": " + U.all); D.obligations.forEach(function (ob, i) { opt(fOb, i, ob.title); });
  opt(fSt, "", U.status + ": " + U.all); D.labels.forEach(function (l, i) { opt(fSt, i, l); });
  var levels = {}; Object.keys(D.units).forEach(function (k) { levels[D.units[k][3]] = true; });
  opt(fLv, "", U.level + ": " + U.all); Object.keys(levels).sort().forEach(function (l) { opt(fLv, l, U.level + " " + l); });
  fUnit.placeholder = U.search;
  [U.obligation, U.unit, U.status, U.due, U.done_on].forEach(function (h) { $("verdicts-head").appendChild(el("th", "", h)); });
  $("table-more").textContent = U.more;
  var rows = [], shown = 0;
  function fold(s) { return s.normalize("NFC").toLowerCase(); }
  function filter() {
    var o = fOb.value, st = fSt.value, lv = fLv.value, q = fold(fUnit.value.trim());
    rows = [];
    for (var i = 0; i < D.verdicts.length; i++) {
      var v = D.verdicts[i];
      if (o !== "" && v[0] !== +o) continue;
      if (st !== "" && v[2] !== +st) continue;
      if (lv !== "" && (!D.units[v[1]] || D.units[v[1]][3] !== +lv)) continue;
      if (q && fold(D.names[v[1]]).indexOf(q) < 0 && v[1].indexOf(q) < 0) continue;
      rows.push(i);
    }
    $("verdicts-body").textContent = ""; shown = 0; more();
  }
  function more() {
    var body = $("verdicts-body"), end = Math.min(rows.length, shown + TABLE_PAGE);
    for (var j = shown; j < end; j++) {
      var i = rows[j], v = D.verdicts[i], tr = el("tr"); tr.dataset.index = i;
      var ob = D.obligations[v[0]], obCell = el("td", "", ob.title); obCell.title = ob.id; tr.appendChild(obCell);
      tr.appendChild(el("td", "", D.names[v[1]]));
      var td = el("td"); td.appendChild(badge(v[2])); tr.appendChild(td);
      tr.appendChild(el("td", "num", vn(v[3]))); tr.appendChild(el("td", "num", vn(v[4])));
      tr.addEventListener("click", explain.bind(null, i));
      body.appendChild(tr);
    }
    shown = end;
    $("table-count").textContent = U.shown.replace("{shown}", shown).replace("{total}", rows.length);
    $("table-more").hidden = shown >= rows.length;
  }
  [fOb, fSt, fLv].forEach(function (s) { s.addEventListener("change", filter); });
  fUnit.addEventListener("input", filter);
  $("table-more").addEventListener("click", more);
  filter();

  // --- one verdict's explanation ---------------------------------------------
  $("explain-close").textContent = U.close;
  function explain(i) {
    var v = D.verdicts[i], x = D.explain[i], body = $("explain-body"); body.textContent = "";
    body.appendChild(el("h3", "", D.names[v[1]] + " — " + D.obligations[v[0]].title));
    var p = el("p"); p.appendChild(badge(v[2]));
    p.appendChild(document.createTextNode("  " + U.due + ": " + vn(v[3]) + "  ·  " + U.done_on + ": " + vn(v[4]))); body.appendChild(p);
    if (!x) { body.appendChild(el("p", "muted", U.no_explanation + " --unit " + v[1] + " --obligation " + D.obligations[v[0]].id)); }
    else {
      if (x.n) body.appendChild(el("p", "", U.interpretation + ": " + x.n));
      body.appendChild(el("p", "", U.clause + " " + x.k + ":"));
      body.appendChild(el("blockquote", "", "“" + (D.clauses[x.k] || "") + "”"));
      body.appendChild(el("h4", "", U.checks));
      var ul = el("ul", "checks");
      x.c.forEach(function (c) {
        var li = el("li", "check-" + c[1], c[0] + ": " + c[2]);
        if (c[3] && c[3] !== x.k) { li.appendChild(el("blockquote", "", U.clause + " " + c[3] + ": “" + (D.clauses[c[3]] || "") + "”")); }
        ul.appendChild(li);
      });
      body.appendChild(ul);
      body.appendChild(el("h4", "", U.evidence));
      if (x.e.length) { var ev = el("ul", "evidence"); x.e.forEach(function (e) { ev.appendChild(el("li", "", e)); }); body.appendChild(ev); }
      else body.appendChild(el("p", "", "—"));
    }
    $("explain").hidden = false; $("explain-close").focus();
  }
  $("explain-close").addEventListener("click", function () { $("explain").hidden = true; });
  $("explain").addEventListener("click", function (e) { if (e.target === $("explain")) $("explain").hidden = true; });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") $("explain").hidden = true; });
  document.body.dataset.ready = "1";
})();
