// The department head's scoring grid: Enter moves down a row (Shift+Enter up), Tab moves
// right as usual; arrow keys up/down move between rows. Changed cells are marked until saved.
(function () {
  "use strict";
  var form = document.getElementById("jx-grid-form");
  if (!form) { return; }
  var inputs = Array.prototype.slice.call(form.querySelectorAll(".jx-grid-input"));
  function at(row, col) {
    return form.querySelector('.jx-grid-input[data-row="' + row + '"][data-col="' + col + '"]');
  }
  function move(input, step) {
    var next = at(Number(input.dataset.row) + step, input.dataset.col);
    if (next) { next.focus(); next.select(); return true; }
    return false;
  }
  inputs.forEach(function (input) {
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        if (!move(input, event.shiftKey ? -1 : 1) && !event.shiftKey) {
          var first = at(0, Number(input.dataset.col) + 1);
          if (first) { first.focus(); first.select(); }
        }
      } else if (event.key === "ArrowDown") {
        event.preventDefault();
        move(input, 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        move(input, -1);
      }
    });
    input.addEventListener("input", function () {
      input.classList.add("bg-warning-subtle");
    });
  });
})();
