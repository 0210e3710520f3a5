// The exodeur's search page (/recherche): the criteria form built from the catalogue of
// the grid in use, the ready-made profiles (data/profiles.json), and the map and list the
// browser module (frontend/src/search.ts) fills from the JSON API.
//
// The form is rendered on the server — every criterion with its unit, explanation, source
// and vintage, importance and bound — so it reads without scripts and with a screen
// reader; the script only reads it, calls the API and draws. Criteria without values are
// shown greyed with the reason; a profile needing one says so instead of pretending.
//
// Thread safety: the route reads immutable data only.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/common/status.hpp"
#include "web/api/search_api.hpp"
#include "web/http/app.hpp"

namespace vivrovert::discover {

// Reads data/profiles.json. Errors name the file and the reason.
Result<nlohmann::json> LoadProfiles(const std::string& path);

// `backend` and `profiles` must outlive the app.
void RegisterSearchPage(web::App& app, const engine::SearchBackend& backend,
                        const nlohmann::json& profiles);

}  // namespace vivrovert::discover
