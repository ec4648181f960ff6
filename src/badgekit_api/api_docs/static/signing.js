// The BadgeKit request signature, made in the browser with WebCrypto: an HS256 JWT whose
// claims name the method, the path with its query string and, when there is a body, the
// sha256 of the exact bytes sent. The secret never leaves this page.
"use strict";

(function () {
  const encoder = new TextEncoder();
  const TOKEN_LIFETIME_SECONDS = 60;

  function base64url(bytes) {
    let binary = "";
    for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  async function sha256Hex(bytes) {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  // The bytes the browser will send for a fetch body, and the Content-Type they need. A
  // FormData is encoded here (a Response makes the multipart bytes and their boundary), so
  // that what is hashed is exactly what goes on the wire.
  async function bodyBytes(body) {
    if (body === undefined || body === null || body === "") return { bytes: null };
    if (typeof body === "string") return { bytes: encoder.encode(body) };
    if (body instanceof URLSearchParams) return { bytes: encoder.encode(body.toString()) };
    if (body instanceof FormData) {
      const encoded = new Response(body);
      return {
        bytes: new Uint8Array(await encoded.arrayBuffer()),
        contentType: encoded.headers.get("Content-Type"),
      };
    }
    if (body instanceof Blob) return { bytes: new Uint8Array(await body.arrayBuffer()) };
    if (body instanceof ArrayBuffer) return { bytes: new Uint8Array(body) };
    if (ArrayBuffer.isView(body)) {
      return { bytes: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) };
    }
    return { bytes: encoder.encode(JSON.stringify(body)) };
  }

  async function hs256(claims, secret) {
    const header = base64url(encoder.encode(JSON.stringify({ alg: "HS256", typ: "JWT" })));
    const payload = base64url(encoder.encode(JSON.stringify(claims)));
    const key = await crypto.subtle.importKey(
      "raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]
    );
    const signature = await crypto.subtle.sign("HMAC", key, encoder.encode(`${header}.${payload}`));
    return `${header}.${payload}.${base64url(signature)}`;
  }

  // Sign one request. Returns the Authorization header value, and the body to send in place
  // of the original (bytes, with its Content-Type when encoding chose one).
  async function signRequest({ method, url, body, key, secret }) {
    const target = new URL(url, window.location.href);
    const upper = method.toUpperCase();
    const { bytes, contentType } = await bodyBytes(body);
    const claims = {
      key,
      method: upper,
      path: target.pathname + target.search,
      exp: Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_SECONDS,
      jti: crypto.randomUUID(),
    };
    if (bytes !== null || upper === "POST" || upper === "PUT") {
      claims.body = { alg: "sha256", hash: await sha256Hex(bytes || new Uint8Array()) };
    }
    const token = await hs256(claims, secret);
    return { authorization: `JWT token="${token}"`, body: bytes, contentType };
  }

  window.BadgeKitSigning = { signRequest, available: Boolean(window.crypto && crypto.subtle) };
})();
