/* assetgraph pages: small enhancements only; every page works without this script. */
(function () {
  "use strict";
  // Move keyboard and screen-reader focus to an error summary, so people hear what went wrong.
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) {
    summary.focus();
  }
  // "Print this list" buttons (the print view is a plain page; this only opens the print dialogue).
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
