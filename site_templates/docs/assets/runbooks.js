// Show result times relative to now ("5 min ago"), computed in the browser
// so stamped and rebuilt pages stay byte-identical.
(function () {
  function ago(seconds) {
    if (seconds < 90) return Math.max(0, Math.round(seconds)) + " s ago";
    if (seconds < 5400) return Math.round(seconds / 60) + " min ago";
    if (seconds < 129600) return Math.round(seconds / 3600) + " h ago";
    return Math.round(seconds / 86400) + " d ago";
  }
  function refresh() {
    document.querySelectorAll("time.rb-time[datetime]").forEach(function (el) {
      var t = Date.parse(el.getAttribute("datetime"));
      if (isNaN(t)) return;
      if (!el.title) el.title = el.textContent;
      el.textContent = ago((Date.now() - t) / 1000);
    });
  }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(refresh);
  else document.addEventListener("DOMContentLoaded", refresh);
})();
