/* The survey builder: a confirmation before irreversible buttons (publish, close, delete),
   named by their data-jx-confirm text. Without script the buttons simply submit. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var text = button && button.getAttribute("data-jx-confirm");
    if (text && !window.confirm(text)) {
      event.preventDefault();
    }
  });
})();
