#include "web/http/templates.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "core/common/text.hpp"

namespace vivrovert::web {

namespace {

constexpr const char* kLayout = "layout";

std::optional<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Bundle names are emitted into pages unescaped, so they are held to a safe alphabet.
bool IsPlainFileName(const std::string& name) {
  if (name.empty() || name.starts_with('.')) return false;
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<AssetManifest> AssetManifest::Load(const std::string& dist_dir) {
  AssetManifest manifest;
  std::filesystem::path path = std::filesystem::path(dist_dir) / "manifest.json";
  if (!std::filesystem::exists(path)) return manifest;
  std::optional<std::string> text = ReadFile(path);
  if (!text) return DataLoss("cannot read " + path.string());
  try {
    nlohmann::json json = nlohmann::json::parse(*text);
    if (!json.is_object()) return DataLoss(path.string() + " is not a JSON object");
    for (const auto& [entry, file] : json.items()) {
      std::string name = file.get<std::string>();
      if (!IsPlainFileName(name)) return DataLoss(path.string() + ": bad file name for " + entry);
      manifest.files_[entry] = name;
    }
  } catch (const nlohmann::json::exception& error) {
    return DataLoss(path.string() + " is not a manifest: " + error.what());
  }
  return manifest;
}

std::optional<std::string> AssetManifest::Url(const std::string& entry) const {
  auto found = files_.find(entry);
  if (found == files_.end()) return std::nullopt;
  return "/static/" + found->second;
}

bool AssetManifest::IsHashedFile(const std::string& file) const {
  for (const auto& [entry, name] : files_) {
    // Source maps sit beside their bundle and share its hash.
    if (file == name || file == name + ".map") return true;
  }
  return false;
}

mstch::map AssetManifest::ForTemplates() const {
  mstch::map assets;
  for (const auto& [entry, name] : files_) {
    std::string key = entry;
    for (char& c : key) {
      if (c == '.' || c == '-') c = '_';
    }
    assets[key] = std::string("/static/" + name);
  }
  return assets;
}

Result<TemplateRenderer> TemplateRenderer::Load(const std::string& folder) {
  std::error_code error;
  if (!std::filesystem::is_directory(folder, error)) {
    return NotFound("template folder not found: " + folder);
  }
  TemplateRenderer renderer;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".mustache") continue;
    std::optional<std::string> text = ReadFile(entry.path());
    if (!text) return Unavailable("cannot read " + entry.path().string());
    renderer.templates_[entry.path().stem().string()] = std::move(*text);
  }
  if (!renderer.Has(kLayout))
    return NotFound(std::string(kLayout) + ".mustache missing in " + folder);
  return renderer;
}

Result<std::string> TemplateRenderer::Render(const std::string& name,
                                             const mstch::map& data) const {
  auto found = templates_.find(name);
  if (found == templates_.end()) return NotFound("no template named " + name);
  // mstch parses every partial it is given at each render: give it only those this template
  // names ("{{> name}}"), and theirs, not the whole folder.
  std::map<std::string, std::string> partials;
  std::vector<const std::string*> pending = {&found->second};
  while (!pending.empty()) {
    const std::string& text = *pending.back();
    pending.pop_back();
    for (size_t at = text.find("{{>"); at != std::string::npos; at = text.find("{{>", at + 3)) {
      const size_t close = text.find("}}", at);
      if (close == std::string::npos) break;
      auto partial = templates_.find(Trim(text.substr(at + 3, close - at - 3)));
      if (partial != templates_.end() && partials.emplace(partial->first, partial->second).second)
        pending.push_back(&partial->second);
    }
  }
  return mstch::render(found->second, data, partials);
}

Result<std::string> TemplateRenderer::RenderPage(const std::string& name, mstch::map data) const {
  VV_ASSIGN_OR_RETURN(std::string content, Render(name, data));
  data["content"] = std::move(content);
  return Render(kLayout, data);
}

}  // namespace vivrovert::web
