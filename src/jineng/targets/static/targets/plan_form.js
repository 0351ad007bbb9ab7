// The new-plan form: each allocation table's sum per measure and, against the plan's total of
// that measure, what is unallocated (未分解), as the plan page shows them once saved. Figures
// in 万 with at most 4 decimals (one person), added in whole persons to avoid rounding.
(function () {
  "use strict";
  var WAN = 10000;

  function persons(input) {
    var text = (input && input.value || "").trim();
    if (text === "") return null;
    var value = Number(text);
    return isFinite(value) ? Math.round(value * WAN) : NaN;
  }

  function wan(n) {
    return (n / WAN).toFixed(4).replace(/\.?0+$/, "");
  }

  function refresh(form) {
    form.querySelectorAll("table.allocation-table").forEach(function (table) {
      table.querySelectorAll("[data-sum]").forEach(function (cell) {
        var code = cell.getAttribute("data-sum");
        var sum = 0, any = false, bad = false;
        table.querySelectorAll("tbody input[name$='_" + code + "']").forEach(function (input) {
          var n = persons(input);
          if (n === null) return;
          if (isNaN(n)) bad = true; else { sum += n; any = true; }
        });
        cell.textContent = bad ? "?" : (any ? wan(sum) : "");
        var left = table.querySelector("[data-unallocated='" + code + "']");
        var total = persons(form.querySelector("input[name='t_" + code + "']"));
        left.classList.remove("text-danger");
        if (!any || bad) { left.textContent = ""; return; }
        if (total === null || isNaN(total)) { left.textContent = left.dataset.none || "—"; return; }
        left.textContent = wan(total - sum);
        if (total - sum < 0) left.classList.add("text-danger");
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("plan-form");
    if (!form) return;
    form.addEventListener("input", function () { refresh(form); });
    refresh(form);
  });
})();
