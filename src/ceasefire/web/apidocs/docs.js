// The interactive API documentation, served offline (Swagger UI from the swagger-ui-bundle package).
// That Swagger UI (4.x) refuses to render an "openapi: 3.1.x" description, which FastAPI writes; the
// description's parts it shows read the same in 3.0, so the page hands it the document relabelled
// (/openapi.json itself stays as FastAPI writes it).
fetch("/openapi.json", { headers: { Accept: "application/json" } })
  .then((response) => response.json())
  .then((spec) => {
    if (/^3\.1\./.test(spec.openapi || "")) spec.openapi = "3.0.3";
    window.ui = SwaggerUIBundle({ spec, dom_id: "#swagger-ui", deepLinking: true });
  });
