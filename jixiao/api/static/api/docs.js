/* Starts Swagger UI on /api/docs. Kept out of the page because the site's Content-Security-Policy
   allows no inline scripts. Session callers send the CSRF token with every request; token callers
   use the "Authorize" button (Authorization: Bearer ...). */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrfToken = document.body.dataset.csrfToken;
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis];
  config.requestInterceptor = function (request) {
    if (csrfToken) {
      request.headers["X-CSRFToken"] = csrfToken;
    }
    return request;
  };
  window.ui = SwaggerUIBundle(config);
})();
