"""The OpenAPI schema's description of the errors an operation answers.

drf-spectacular declares only the answer of success. Every operation can also refuse, and the
schema says how (checked by schemathesis, tests/core/test_schemathesis.py): 400 where the
request carries parameters or a body (field errors: an object of messages by field name, or a
list of messages); 401 and 403 where it authenticates and checks permissions; 404 where the path
or the body names a row; 429 where a rate applies; 503 when the database cannot be reached
(core.middleware.DatabaseUnavailableMiddleware). Each body is JSON in the user's language."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import AllowAny

DETAIL = {
    "type": "object",
    "description": "A refusal: its reason in the user's language.",
    "properties": {
        "detail": {"type": "string"},
        "request_id": {"type": "string", "description": "the request's id, for the logs"},
    },
    "required": ["detail"],
}
FIELD_ERRORS = {
    "description": "Invalid input: the messages by field name (non_field_errors for the whole "
    "request, a list for each row of a list), or a list of messages.",
    "anyOf": [{"type": "object"}, {"type": "array"}],
}

ERRORS = {
    "400": ("FieldErrors", FIELD_ERRORS, "The request is invalid: the messages say why."),
    "401": ("ErrorDetail", DETAIL, "No valid credentials (API token or session)."),
    "403": ("ErrorDetail", DETAIL, "The caller may not do this."),
    "404": ("ErrorDetail", DETAIL, "No such row within the caller's data scope."),
    "429": ("ErrorDetail", DETAIL, "Too many requests from this address: try again later."),
    "503": ("ErrorDetail", DETAIL, "The database cannot be reached for now: try again later."),
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema, with the error answers each operation can give."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for code in self.error_codes(operation):
            name, schema, description = ERRORS[code]
            component = ResolvedComponent(
                name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
            )
            self.registry.register_on_missing(component)
            operation["responses"].setdefault(
                code,
                {"content": {"application/json": {"schema": component.ref}},
                 "description": description},
            )  # fmt: skip
        return operation

    def error_codes(self, operation) -> list[str]:
        parameters = operation.get("parameters", [])
        codes = []
        if "requestBody" in operation or any(p["in"] == "query" for p in parameters):
            codes.append("400")
        if self.view.get_authenticators():
            codes.append("401")
        permissions = self.view.get_permissions()
        if self.view.get_authenticators() or not all(
            isinstance(each, AllowAny) for each in permissions
        ):
            codes.append("403")
        if any(p["in"] == "path" for p in parameters) or "requestBody" in operation:
            codes.append("404")  # the row the path names, or one the body names
        if self.view.get_throttles():
            codes.append("429")
        codes.append("503")
        return codes
