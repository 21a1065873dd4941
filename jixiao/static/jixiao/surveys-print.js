/* The invitation page's print button (no inline script: the CSP is 'self'). */
(function () {
  "use strict";
  document.querySelectorAll("[data-jx-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
