// Start Swagger UI on this server's OpenAPI document, and sign every "Try it out" request
// with the key and secret typed into the form above it.
"use strict";

(function () {
  const root = document.getElementById("swagger-ui");
  const status = document.getElementById("badgekit-signing-status");
  const field = (id) => document.getElementById(id).value.trim();

  if (!window.BadgeKitSigning.available) {
    status.textContent =
      "This browser allows WebCrypto only on https:// or localhost pages: requests go unsigned.";
  }

  async function signed(request) {
    const secret = document.getElementById("badgekit-secret").value;
    const key = field("badgekit-key");
    // The document itself and unsigned public routes need no token.
    if (!secret || !key || !window.BadgeKitSigning.available || request.loadSpec) return request;
    const signature = await window.BadgeKitSigning.signRequest({
      method: request.method || "GET",
      url: request.url,
      body: request.body,
      key,
      secret,
    });
    request.headers.Authorization = signature.authorization;
    if (signature.body !== null) request.body = signature.body;
    if (signature.contentType) {
      delete request.headers["content-type"];
      request.headers["Content-Type"] = signature.contentType;
    }
    status.textContent = `Signed ${request.method} as ${key}.`;
    return request;
  }

  document.getElementById("badgekit-signing").addEventListener("submit", (event) => {
    event.preventDefault();
  });

  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    tryItOutEnabled: true,
    requestInterceptor: signed,
  });
})();
