"""The HTTP layer: reading and limiting bodies, middleware, routing, the OpenAPI document,
pagination and the URLs answers carry."""
