// Progressive enhancement only: the form works without this file.
(function () {
  "use strict";
  var summary = document.getElementById("pf-error-summary");
  if (summary) { summary.focus(); }
  // Show only the states/provinces of the chosen country.
  var country = document.getElementById("id_country");
  var region = document.getElementById("id_region");
  if (!country || !region || region.disabled) { return; }
  var groups = Array.prototype.slice.call(region.querySelectorAll("optgroup"));
  var names = {};
  Array.prototype.forEach.call(country.options, function (option) { names[option.value] = option.text; });
  function filter() {
    var chosen = names[country.value];
    groups.forEach(function (group) {
      var keep = !country.value || group.label === chosen;
      group.hidden = !keep;
      group.disabled = !keep;
    });
    var selected = region.options[region.selectedIndex];
    if (selected && selected.parentNode.disabled) { region.value = ""; }
  }
  country.addEventListener("change", filter);
  filter();
})();
