// planwatch: small helps on the report form; the form works without them.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // "Use the previous report's text": copy it into the narrative (asks before replacing).
    var button = document.getElementById("use-previous");
    if (button) {
      var target = document.getElementById(button.dataset.fill);
      var source = document.getElementById(button.dataset.source);
      if (target && source) {
        button.hidden = false;
        button.addEventListener("click", function () {
          var text = source.textContent;
          if (target.value.trim() && target.value !== text &&
              !window.confirm(button.dataset.confirm || button.textContent + "?")) {
            return;
          }
          target.value = text;
          target.focus();
        });
      }
    }
    // A task marked done is 100 % done.
    document.querySelectorAll('select[name$="-status"]').forEach(function (select) {
      select.addEventListener("change", function () {
        var percent = document.getElementById(select.id.replace(/-status$/, "-percent"));
        if (percent && select.value === "done") { percent.value = "100"; }
      });
    });
  });
})();
