// Print pages: the "Print" button, and `?paper=a4|letter` for headless
// printing (`runbooks print`), where no print dialog picks the paper size.
(function () {
  var SIZES = { a4: "A4", letter: "letter" };
  function paper() {
    var match = /[?&]paper=(a4|letter)\b/i.exec(window.location.search);
    if (!match || document.getElementById("rb-paper")) return;
    var style = document.createElement("style");
    style.id = "rb-paper";
    style.textContent = "@page { size: " + SIZES[match[1].toLowerCase()] + "; }";
    document.head.appendChild(style);
  }
  function buttons() {
    document.querySelectorAll(".rb-printbar__print").forEach(function (button) {
      button.onclick = function () { window.print(); };
    });
  }
  paper();
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(buttons);
  else document.addEventListener("DOMContentLoaded", buttons);
})();
