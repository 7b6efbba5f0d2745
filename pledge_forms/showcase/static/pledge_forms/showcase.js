// Copy buttons of the member showcase: shown only when a script can run; without it the
// code stays selectable in its text box.
(function () {
  "use strict";
  document.querySelectorAll("button.pf-copy[data-copy]").forEach(function (button) {
    var field = document.querySelector(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector(".pf-copy-status");
    if (!field) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () {
        if (status) {
          status.textContent = status.getAttribute("data-copied");
        }
      };
      field.focus();
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          if (document.execCommand("copy")) {
            done();
          }
        });
      } else if (document.execCommand("copy")) {
        done();
      }
    });
  });
})();
