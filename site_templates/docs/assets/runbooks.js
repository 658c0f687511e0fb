// Show result times relative to now ("5 min ago"), and mark results older than
// the project's stale_after as stale. Both are computed in the browser, at view
// time, so stamped and rebuilt pages stay byte-identical and a page left open
// (or opened days later) still tells the truth about how old its results are.
// And code blocks that scroll sideways can be reached with the keyboard.
(function () {
  function ago(seconds) {
    if (seconds < 90) return Math.max(0, Math.round(seconds)) + " s ago";
    if (seconds < 5400) return Math.round(seconds / 60) + " min ago";
    if (seconds < 129600) return Math.round(seconds / 3600) + " h ago";
    return Math.round(seconds / 86400) + " d ago";
  }
  function relativeTimes() {
    document.querySelectorAll("time.rb-time[datetime]").forEach(function (el) {
      var t = Date.parse(el.getAttribute("datetime"));
      if (isNaN(t)) return;
      if (!el.title) el.title = el.textContent;
      el.textContent = ago((Date.now() - t) / 1000);
    });
  }
  // The contract (generator/site/markup.py, `ran`): data-rb-ran is the run's
  // ISO 8601 UTC time, data-rb-stale-after the limit in seconds, on the element or
  // on the nearest one around it (the dashboard says it once, on its table).
  // Not-run results carry neither and are left alone.
  function staleness() {
    document.querySelectorAll("[data-rb-ran]").forEach(function (el) {
      var holder = el.closest("[data-rb-stale-after]");
      if (!holder) return;
      var ran = Date.parse(el.getAttribute("data-rb-ran"));
      var limit = parseFloat(holder.getAttribute("data-rb-stale-after"));
      if (isNaN(ran) || isNaN(limit)) return;
      var age = (Date.now() - ran) / 1000;
      var stale = age > limit;
      el.classList.toggle("rb-stale", stale);
      var label = el.querySelector(":scope > .rb-stale-label");
      if (stale && !label) {
        label = document.createElement("span");
        label.className = "rb-stale-label";
        label.textContent = "stale";
        el.appendChild(label);
      } else if (!stale && label) {
        label.remove();
      }
      if (label) label.title = "result is " + ago(age).replace(" ago", "") + " old; stale after " +
        ago(limit).replace(" ago", "");
    });
  }
  // A code block that scrolls sideways takes the focus, so a keyboard can scroll it (WCAG 2.1.1).
  // Material does this only where a pointer can hover; on a phone with a keyboard (or a switch)
  // the block would be out of reach. Same rule, without the hover condition: scrollable or not.
  var sizes = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) { scrollable(entry.target); });
  }) : null;
  function scrollable(code) {
    if (code.scrollWidth > code.clientWidth) code.setAttribute("tabindex", "0");
    else code.removeAttribute("tabindex");
  }
  function codeBlocks() {
    document.querySelectorAll(".md-typeset pre > code").forEach(function (code) {
      scrollable(code);
      if (sizes) sizes.observe(code);
    });
  }
  // Maintenance banners (generator/site/markup.py, maintenance_banner): each window lists its
  // occurrences as data-rb-intervals, ISO 8601 UTC "start/end" pairs; the one holding the time the
  // page is viewed shows the window (and the banner), with its end.
  function activeUntil(intervals, now) {
    var pairs = intervals.split(" ");
    for (var i = 0; i < pairs.length; i++) {
      var parts = pairs[i].split("/"), start = Date.parse(parts[0]), end = Date.parse(parts[1]);
      if (start <= now && now < end) return end;
    }
    return null;
  }
  function maintenance() {
    var now = Date.now();
    document.querySelectorAll(".rb-maintenance").forEach(function (banner) {
      var shown = false;
      banner.querySelectorAll("[data-rb-intervals]").forEach(function (el) {
        var end = activeUntil(el.getAttribute("data-rb-intervals"), now);
        el.hidden = end === null;
        if (end === null) return;
        shown = true;
        var until = el.querySelector(".rb-maintenance__until");
        if (until) until.textContent = "until " + new Date(end).toISOString().slice(0, 16).replace("T", " ") + " UTC";
      });
      banner.hidden = !shown;
    });
  }
  function refresh() {
    relativeTimes();
    staleness();
    maintenance();
  }
  // Material's document$ fires on every page load, instant navigation included.
  function load() {
    refresh();
    codeBlocks();
  }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(load);
  else document.addEventListener("DOMContentLoaded", load);
  setInterval(refresh, 60000);
})();
