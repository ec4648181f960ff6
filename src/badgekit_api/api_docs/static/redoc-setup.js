// Render this server's OpenAPI document with ReDoc (read-only reference).
"use strict";

(function () {
  const root = document.getElementById("redoc");
  Redoc.init(root.dataset.openapiUrl, {}, root);
})();
