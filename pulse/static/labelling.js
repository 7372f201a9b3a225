// Labelling queue: a number key presses the matching topic button of the first comment.
// The buttons are ordinary submit buttons, so the page works the same without this file.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) { return; }
    if (!/^[1-9]$/.test(event.key)) { return; }
    var button = document.querySelector('.queue .current button[data-key="' + event.key + '"]');
    if (button) {
      event.preventDefault();
      button.click();
    }
  });
})();
