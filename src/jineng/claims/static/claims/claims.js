// Claim pages: a "choose all" box and a "mark all paid" button, without inline scripts (the
// Content-Security-Policy forbids them). data-check-all holds the selector of the inputs to set:
// a checkbox sets them as it is, a button checks them.
document.addEventListener("click", (event) => {
  const control = event.target.closest("[data-check-all]");
  if (!control) return;
  const checked = control.type === "checkbox" ? control.checked : true;
  document.querySelectorAll(control.dataset.checkAll).forEach((input) => {
    input.checked = checked;
  });
});
