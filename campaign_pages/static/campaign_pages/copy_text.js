// Copy buttons of the social media posts: shown only when a script can run; without it the
// text stays selectable in its box. Loaded once per block, so each button is wired once.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy-post]").forEach(function (button) {
    if (button.getAttribute("data-copy-ready")) {
      return;
    }
    var post = button.closest(".social-post");
    var field = post && post.querySelector("textarea");
    var status = post && post.querySelector("[data-copied]");
    if (!field) {
      return;
    }
    button.setAttribute("data-copy-ready", "1");
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
