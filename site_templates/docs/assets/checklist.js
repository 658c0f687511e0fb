// The runbook page's checklist, for use during an incident: ticks are kept
// in localStorage per mode, runbook and incident, so a reload (or a second
// screen on the same browser) keeps them; "Copy as Markdown" hands the list,
// with its ticks and times, to the incident ticket.
//
// Storage (v1):
//   runbooks:v1:<mode>:<runbook>:@current    → id of the current incident
//   runbooks:v1:<mode>:<runbook>:<incident>  → {"started": ISO, "name": str,
//                                               "ticks": {"<group>.<item>": ISO}}
// Item ids are the group's and the item's position in the runbook.
(function () {
  var PREFIX = "runbooks:v1:";

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(iso) { var d = new Date(iso); return pad(d.getHours()) + ":" + pad(d.getMinutes()); }
  function day(iso) {
    var d = new Date(iso);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + clock(iso);
  }
  function slug(text) {
    return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40);
  }
  function read(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function write(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); return true; } catch (e) { return false; }
  }

  function Checklist(root) {
    this.root = root;
    this.base = PREFIX + root.dataset.rbMode + ":" + root.dataset.rbRunbook + ":";
    this.groups = JSON.parse(root.dataset.rbItems || "[]");
    this.items = [];
    var self = this;
    root.querySelectorAll(".rb-checklist__group").forEach(function (group) {
      var g = Number(group.dataset.rbGroup);
      group.querySelectorAll("li.task-list-item").forEach(function (li, i) {
        var box = li.querySelector('input[type="checkbox"]');
        if (!box) return;
        // Named by the item's own words (Material's box has no label), and described by the
        // time it was ticked: a screen reader says "Alert acknowledged, checkbox, checked, 14:04".
        box.setAttribute("aria-label", li.textContent.trim());
        var time = document.createElement("time");
        time.className = "rb-checklist__time";
        time.id = "rb-tick-" + root.dataset.rbRunbook + "-" + g + "-" + i;
        box.setAttribute("aria-describedby", time.id);
        li.appendChild(time);
        box.disabled = false;
        box.dataset.rbItem = g + "." + i;
        box.addEventListener("change", function () { self.tick(box.dataset.rbItem, box.checked); });
        // The whole line ticks, not only Material's small box: a big target when it matters.
        li.addEventListener("click", function (event) {
          if (event.target.closest("label, input, a")) return;
          box.checked = !box.checked;
          box.dispatchEvent(new Event("change", { bubbles: true }));
        });
        self.items.push({ id: g + "." + i, box: box, time: time });
      });
    });
    this.bar();
    this.render();
  }

  Checklist.prototype.bar = function () {
    var bar = document.createElement("div");
    bar.className = "rb-checklist__bar";
    bar.innerHTML =
      '<span>Incident: <span class="rb-checklist__incident"></span></span>' +
      '<input type="text" class="rb-checklist__name" placeholder="Incident name (optional)" aria-label="Incident name">' +
      '<button type="button" class="md-button rb-checklist__new">New incident</button>' +
      '<button type="button" class="md-button rb-checklist__reset">Reset</button>' +
      '<button type="button" class="md-button md-button--primary rb-checklist__copy">Copy as Markdown</button>' +
      '<span class="rb-checklist__msg" role="status" aria-live="polite"></span>';
    this.root.insertBefore(bar, this.root.firstChild);
    var self = this;
    bar.querySelector(".rb-checklist__new").addEventListener("click", function () { self.start(); });
    bar.querySelector(".rb-checklist__reset").addEventListener("click", function () { self.reset(); });
    bar.querySelector(".rb-checklist__copy").addEventListener("click", function () { self.copy(); });
    this.label = bar.querySelector(".rb-checklist__incident");
    this.name = bar.querySelector(".rb-checklist__name");
    this.msg = bar.querySelector(".rb-checklist__msg");
  };

  Checklist.prototype.current = function () { return read(this.base + "@current"); };
  Checklist.prototype.state = function () {
    var id = this.current();
    return id ? read(this.base + id) || { started: null, name: "", ticks: {} } : null;
  };

  // A new incident id: when it started (local time) and the name, unique per runbook and mode.
  Checklist.prototype.start = function () {
    var now = new Date().toISOString();
    var name = this.name.value.trim();
    var d = new Date(now);
    var id = d.getFullYear() + pad(d.getMonth() + 1) + pad(d.getDate()) + "-" + pad(d.getHours()) + pad(d.getMinutes()) +
      (slug(name) ? "-" + slug(name) : "");
    for (var n = 2, base = id; read(this.base + id); n++) id = base + "-" + n;
    write(this.base + id, { started: now, name: name, ticks: {} });
    write(this.base + "@current", id);
    this.name.value = "";
    this.say("Started incident " + id + ".");
    this.render();
    return id;
  };

  Checklist.prototype.tick = function (item, on) {
    var id = this.current() || this.start();
    var state = this.state();
    if (on) state.ticks[item] = new Date().toISOString();
    else delete state.ticks[item];
    if (!write(this.base + id, state)) this.say("Could not save: this browser's storage is full or disabled.");
    this.render();
  };

  Checklist.prototype.reset = function () {
    var id = this.current();
    if (!id) return;
    if (!window.confirm("Clear every tick of incident " + id + "?")) return;
    var state = this.state();
    state.ticks = {};
    write(this.base + id, state);
    this.say("Cleared the ticks of incident " + id + ".");
    this.render();
  };

  Checklist.prototype.render = function () {
    var id = this.current();
    var state = this.state();
    var ticks = (state && state.ticks) || {};
    this.label.textContent = id ? id + (state && state.started ? " (started " + day(state.started) + ")" : "")
      : "none yet (ticking an item starts one)";
    this.items.forEach(function (item) {
      var at = ticks[item.id];
      item.box.checked = !!at;
      item.time.textContent = at ? clock(at) : "";
      if (at) item.time.setAttribute("datetime", at); else item.time.removeAttribute("datetime");
    });
  };

  Checklist.prototype.markdown = function () {
    var id = this.current();
    var state = this.state();
    var ticks = (state && state.ticks) || {};
    var root = this.root.dataset;
    var lines = ["### " + root.rbTitle + " (" + (root.rbModeTitle || root.rbMode) + ")" +
                 (id ? " — incident " + id : "")];
    if (state && state.started) lines.push("", "Started " + day(state.started) + ".");
    this.groups.forEach(function (group, g) {
      lines.push("", "#### " + group.group);
      group.items.forEach(function (text, i) {
        var at = ticks[g + "." + i];
        lines.push("- [" + (at ? "x" : " ") + "] " + text + (at ? " — " + clock(at) : ""));
      });
    });
    return lines.join("\n") + "\n";
  };

  Checklist.prototype.copy = function () {
    var text = this.markdown();
    var self = this;
    var done = function () {
      var ticked = (text.match(/^- \[x\]/gm) || []).length;
      self.say("Copied " + self.items.length + " items (" + ticked + " ticked) as Markdown.");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { self.fallbackCopy(text, done); });
    } else {
      this.fallbackCopy(text, done);
    }
  };

  // Plain http:// sites (not localhost) have no Clipboard API: select a hidden textarea and copy.
  Checklist.prototype.fallbackCopy = function (text, done) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    if (ok) done(); else this.say("Copy failed: select the checklist and copy it by hand.");
  };

  Checklist.prototype.say = function (text) { this.msg.textContent = text; };

  function setup() {
    document.querySelectorAll(".rb-checklist[data-rb-runbook]").forEach(function (root) {
      if (root.rbChecklist) return;
      root.rbChecklist = new Checklist(root);
    });
  }
  // Another tab of the same runbook ticked something: show it here too.
  window.addEventListener("storage", function (event) {
    if (!event.key || event.key.indexOf(PREFIX) !== 0) return;
    document.querySelectorAll(".rb-checklist[data-rb-runbook]").forEach(function (root) {
      if (root.rbChecklist) root.rbChecklist.render();
    });
  });
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(setup);
  else document.addEventListener("DOMContentLoaded", setup);
})();
