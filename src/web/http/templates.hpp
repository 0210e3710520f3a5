// Server-rendered French pages: mustache templates (mstch, HTML-escaping by default)
// from <resource_dir>/templates/pages/, wrapped in layout.mustache, plus the front-end
// asset manifest that names the hashed bundles to link.
//
// Every `NAME.mustache` of the folder is a page and also a partial (`{{> NAME}}`). A page
// is rendered first, then layout.mustache with the same data and `content` holding the
// page's HTML (`{{{content}}}` in the layout).
//
// Templates are read once, at construction: restart the server after editing them.
// Thread safety: immutable after construction; Render* are safe from any thread.
#pragma once

#include <map>
#include <mstch/mstch.hpp>
#include <optional>
#include <string>

#include "core/common/status.hpp"

namespace vivrovert::web {

// The bundles `npm run build` wrote to frontend/dist/, from its manifest.json
// ({"main.js": "main-3LTO2Z64.js", …}).
class AssetManifest {
 public:
  AssetManifest() = default;
  // Reads `dist_dir`/manifest.json. A missing folder or file gives an empty manifest
  // (pages then render without scripts and styles, which they survive); an unreadable
  // manifest, or one naming a file outside [A-Za-z0-9._-] (names go into pages
  // unescaped, as `{{{assets.main_js}}}`), is DataLoss.
  static Result<AssetManifest> Load(const std::string& dist_dir);

  bool empty() const { return files_.empty(); }
  // "/static/main-3LTO2Z64.js" for "main.js".
  std::optional<std::string> Url(const std::string& entry) const;
  // True for a file the manifest names: its name holds its content hash, so it may be
  // cached for ever.
  bool IsHashedFile(const std::string& file) const;
  // {"main_js": "/static/main-….js", "styles_css": …}: entry names with '.' and '-' as
  // '_', since mustache reads dots as nesting.
  mstch::map ForTemplates() const;

 private:
  std::map<std::string, std::string> files_;  // entry → file name in dist/
};

class TemplateRenderer {
 public:
  // Reads every *.mustache of `folder`. Errors: NotFound when the folder or its
  // layout.mustache is missing.
  // Each template is rendered with only the partials it reaches
  // (core/common/mustache_partials.hpp); `every_partial` hands every template to every
  // render instead, as before issue 25: the reference that tests and benchmarks compare
  // with (the same bytes, more parsing).
  static Result<TemplateRenderer> Load(const std::string& folder, bool every_partial = false);

  // One template alone. NotFound for an unknown name.
  Result<std::string> Render(const std::string& name, const mstch::map& data) const;
  // The template inside the layout (see above).
  Result<std::string> RenderPage(const std::string& name, mstch::map data) const;

  bool Has(const std::string& name) const { return templates_.contains(name); }

 private:
  std::map<std::string, std::string> templates_;
  // The partials each template reaches, what mstch is given to render it.
  std::map<std::string, std::map<std::string, std::string>> partials_of_;
};

}  // namespace vivrovert::web
