// The interactive API documentation, served offline (Swagger UI from the swagger-ui-bundle package).
window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
