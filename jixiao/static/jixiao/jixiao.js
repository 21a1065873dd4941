// Page glue kept in a static file: the Content-Security-Policy allows no inline scripts.
document.addEventListener("htmx:responseError", function (event) {
  var status = event.detail.xhr.status;
  var text = status === 403 ? "没有权限执行该操作。" : status === 404 ? "对象不存在或无权访问。" : "操作失败，请稍后重试。";
  window.alert(text);
});
