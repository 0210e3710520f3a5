// How failures look to people and programs.
//
// A Status becomes an HTTP status by its code (HttpStatusFor). The JSON API answers
// `{"error": {"code": "invalid_argument", "message": "…", "field": "email"}}` with a stable
// lowercase code (StatusCodeName, or "method_not_allowed", "payload_too_large",
// "not_found" for the shell's own answers), the French message and the field when there
// is one. Pages answer the French error page (templates/pages/error.mustache).
// Internal faults never show their message: it goes to the log only.
#pragma once

#include <string>

#include "core/common/status.hpp"

namespace vivrovert::web {

int HttpStatusFor(StatusCode code);

// A failure ready to be shown: HTTP status, stable code, French message, field.
struct HttpError {
  int http_status = 500;
  std::string code;
  std::string message;
  std::string field;

  static HttpError From(const Status& status);
  static HttpError NotFound();
  static HttpError MethodNotAllowed();
  static HttpError PayloadTooLarge();
  static HttpError BadRequest(std::string message);
  static HttpError Internal();
};

// The French title of an error page for an HTTP status ("Page introuvable").
std::string ErrorTitle(int http_status);

}  // namespace vivrovert::web
