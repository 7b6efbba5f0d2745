// Copy buttons of the member showcase: shown only when a script can run; without it the
// code stays selectable in its text box. A button names its text box in data-copy; the
// status beside it (data-copied: the message) says when the code is copied. Found by these
// attributes, not by class, so that a site's own markup for the badge (or any text a site
// offers to copy) keeps working. A page may load it more than once: a button is wired once.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.querySelector(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector("[data-copied]");
    if (!field || button.hasAttribute("data-copy-ready")) {
      return;
    }
    button.setAttribute("data-copy-ready", "");
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
