// Page glue kept in a static file: the Content-Security-Policy allows no inline scripts.
document.addEventListener("htmx:responseError", function (event) {
  var status = event.detail.xhr.status;
  // The messages come translated from base.html (data-msg-* on <body>).
  var msg = document.body.dataset;
  var text = status === 403 ? msg.msgForbidden : status === 404 ? msg.msgNotFound : msg.msgFailed;
  window.alert(text);
});
