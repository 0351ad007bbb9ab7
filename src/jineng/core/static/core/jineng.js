// Send the CSRF token with every htmx request (pages carry it on <body data-csrf>).
document.addEventListener("htmx:configRequest", (event) => {
  event.detail.headers["X-CSRFToken"] = document.body.dataset.csrf;
});
