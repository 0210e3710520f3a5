#include "web/http/errors.hpp"

namespace vivrovert::web {

namespace {

constexpr const char* kInternalMessage =
    "Une erreur inattendue est survenue. L'équipe VivroVert en est informée ; réessayez dans "
    "quelques instants.";
constexpr const char* kUnavailableMessage =
    "Le service est momentanément indisponible. Réessayez dans quelques instants.";

}  // namespace

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDataLoss:
      return 500;
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

HttpError HttpError::From(const Status& status) {
  HttpError error;
  error.http_status = HttpStatusFor(status.code());
  error.code = StatusCodeName(status.code());
  error.field = status.field();
  switch (status.code()) {
    case StatusCode::kDataLoss:
    case StatusCode::kInternal:
    case StatusCode::kOk:  // a handler returning an ok Status where a response was due is a bug
      return Internal();
    case StatusCode::kUnavailable:
      // Operators' wording ("cannot connect to …") must not reach people.
      error.message = kUnavailableMessage;
      break;
    default:
      error.message = status.message();
  }
  return error;
}

HttpError HttpError::NotFound() {
  return {404, "not_found", "La page demandée n'existe pas ou a été déplacée.", ""};
}

HttpError HttpError::MethodNotAllowed() {
  return {405, "method_not_allowed", "Cette adresse n'accepte pas ce type de requête.", ""};
}

HttpError HttpError::PayloadTooLarge() {
  return {413, "payload_too_large",
          "Les données envoyées sont trop volumineuses (un fichier importé fait 10 Mo au plus).",
          ""};
}

HttpError HttpError::BadRequest(std::string message) {
  return {400, "invalid_argument", std::move(message), ""};
}

HttpError HttpError::Internal() { return {500, "internal", kInternalMessage, ""}; }

std::string ErrorTitle(int http_status) {
  switch (http_status) {
    case 400:
      return "Requête invalide";
    case 401:
      return "Connexion requise";
    case 403:
      return "Accès refusé";
    case 404:
      return "Page introuvable";
    case 405:
      return "Méthode non autorisée";
    case 409:
      return "Action impossible";
    case 413:
      return "Envoi trop volumineux";
    case 429:
      return "Trop de tentatives";
    case 503:
      return "Service indisponible";
    default:
      return http_status >= 500 ? "Erreur du serveur" : "Erreur";
  }
}

}  // namespace vivrovert::web
