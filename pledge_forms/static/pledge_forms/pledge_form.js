// Progressive enhancement only: the form works without this file.
(function () {
  "use strict";
  var summary = document.getElementById("pf-error-summary");
  if (summary) { summary.focus(); }
  // Under each practice, show only the details its status asks for (a target month for
  // "in progress" and "planned", evidence for "in place"). Without this script every
  // detail field shows, with help text saying when it applies.
  Array.prototype.forEach.call(document.querySelectorAll("[data-practice]"), function (practice) {
    var radios = practice.querySelectorAll("input[type=radio]");
    var details = practice.querySelectorAll("[data-for]");
    function update() {
      var chosen = "";
      Array.prototype.forEach.call(radios, function (radio) { if (radio.checked) { chosen = radio.value; } });
      Array.prototype.forEach.call(details, function (detail) {
        var wanted = detail.getAttribute("data-for").split(" ");
        // A detail with an error (an answer marked invalid) stays visible whatever
        // the status.
        detail.hidden = wanted.indexOf(chosen) === -1 && !detail.querySelector("[aria-invalid=true]");
      });
    }
    Array.prototype.forEach.call(radios, function (radio) { radio.addEventListener("change", update); });
    update();
  });
})();
