// Status and Result<T>: how expected failures travel through VivroVert.
//
// A failure that a caller can act on (bad input, a missing row, a conflict, a busy
// service) is a value, never an exception. Exceptions are kept for faults that end a
// request or a command; they are caught at that edge (web server, CLI main).
//
// A Status carries a stable machine-readable code, the input field it concerns (may be
// empty) and a message. Messages shown to people are in French; messages for operators
// (logs, CLI) may be in English.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace vivrovert {

enum class StatusCode {
  kOk,
  kInvalidArgument,     // the caller sent something malformed or out of range
  kNotFound,            // the thing asked for does not exist
  kAlreadyExists,       // a uniqueness rule would be broken
  kPermissionDenied,    // authenticated but not allowed, or CSRF failure
  kUnauthenticated,     // no valid session or credentials
  kResourceExhausted,   // a rate limit or a size limit was hit
  kFailedPrecondition,  // the system is not in the state the operation needs
  kUnavailable,         // a dependency (database, SMTP) failed temporarily: retry later
  kDataLoss,            // stored data is corrupt or of another format version
  kInternal,            // a bug or an unexpected fault
};

// Stable lowercase name of a code, used in API error bodies and logs ("invalid_argument").
const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& field() const { return field_; }

  // "invalid_argument: message (field: x)" for logs and CLI output.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string field_;
};

inline Status InvalidArgument(std::string message, std::string field = {}) {
  return {StatusCode::kInvalidArgument, std::move(message), std::move(field)};
}
inline Status NotFound(std::string message, std::string field = {}) {
  return {StatusCode::kNotFound, std::move(message), std::move(field)};
}
inline Status AlreadyExists(std::string message, std::string field = {}) {
  return {StatusCode::kAlreadyExists, std::move(message), std::move(field)};
}
inline Status PermissionDenied(std::string message) {
  return {StatusCode::kPermissionDenied, std::move(message)};
}
inline Status Unauthenticated(std::string message) {
  return {StatusCode::kUnauthenticated, std::move(message)};
}
inline Status ResourceExhausted(std::string message) {
  return {StatusCode::kResourceExhausted, std::move(message)};
}
inline Status FailedPrecondition(std::string message) {
  return {StatusCode::kFailedPrecondition, std::move(message)};
}
inline Status Unavailable(std::string message) {
  return {StatusCode::kUnavailable, std::move(message)};
}
inline Status DataLoss(std::string message) { return {StatusCode::kDataLoss, std::move(message)}; }
inline Status Internal(std::string message) { return {StatusCode::kInternal, std::move(message)}; }

// Either a T or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : state_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(state_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(state_);
  }
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace vivrovert

// Returns the Status from the enclosing function when `expr` is not ok.
#define VV_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::vivrovert::Status vv_status_ = (expr); \
    if (!vv_status_.ok()) return vv_status_; \
  } while (false)

#define VV_CONCAT_INNER(a, b) a##b
#define VV_CONCAT(a, b) VV_CONCAT_INNER(a, b)
#define VV_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()

// `VV_ASSIGN_OR_RETURN(auto x, MakeX());` declares x from a Result or returns its Status.
#define VV_ASSIGN_OR_RETURN(lhs, expr) \
  VV_ASSIGN_OR_RETURN_IMPL(VV_CONCAT(vv_result_, __LINE__), lhs, expr)
