// French e-mail templates, rendered with mstch (Mustache).
//
// A mail named N is three files in `<resource_dir>/templates/mail/`:
//   N.subject.txt  the subject line (line breaks folded into spaces);
//   N.txt          the plain-text body;
//   N.html         the HTML body.
// Files whose name starts with '_' are partials shared by all mails (`_footer.html` is
// `{{> footer}}`): the common layout and signature.
//
// Escaping: mstch HTML-escapes every `{{name}}`, which is what the .html files need.
// mstch's only switch for that is a process-wide global (mstch::config::escape), which
// would race with the web pages rendered on other threads, so the .txt and subject
// files write their variables with triple mustaches `{{{name}}}` (not escaped) instead:
// an "&" in a name or a link must stay an "&" in plain text.
//
// Rendering checks that every variable a mail uses has a value (an empty value is
// fine), so a forgotten link fails loudly instead of mailing an empty one.
//
// Thread safety: a loaded MailTemplates is immutable; Render may run concurrently.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.hpp"
#include "domain/mail/outbox.hpp"

namespace vivrovert::mail {

// Variable name → value, e.g. {"display_name", "Zoé"}, {"link", "https://…"},
// {"expires_hours", "24"}.
using TemplateValues = std::map<std::string, std::string>;

class MailTemplates {
 public:
  // Reads every mail of `<resource_dir>/templates/mail/`. Fails with kFailedPrecondition
  // when the folder is missing or a mail lacks one of its three files.
  // Each file is rendered with only the partials it reaches (core/common/mustache_partials.hpp);
  // `every_partial` hands every partial to every render instead, as before issue 25: the
  // reference that tests and benchmarks compare with (the same bytes, more parsing).
  static Result<MailTemplates> Load(const std::string& resource_dir, bool every_partial = false);

  // The subject and both bodies of mail `name` filled with `values`; idempotency_key and
  // to_address are left empty for the caller. kNotFound for an unknown name,
  // kInvalidArgument (field: the variable) when a variable the mail uses has no value.
  Result<OutgoingMessage> Render(std::string_view name, const TemplateValues& values) const;
  // Render with nested values, for mails that list things (digests, lead reports):
  // `values` is a JSON object; arrays are Mustache sections repeated per item, objects
  // nest, numbers are written as text, null and false hide a section. Only the variables
  // outside sections are checked for presence.
  Result<OutgoingMessage> RenderNested(std::string_view name, const nlohmann::json& values) const;

  // Names of the loaded mails, sorted.
  std::vector<std::string> Names() const;

 private:
  struct Template {
    std::string subject;
    std::string text;
    std::string html;
    std::set<std::string> variables;  // used by the three files and their partials
    // The partials each file reaches, what mstch is given to render it.
    std::map<std::string, std::string> subject_partials;
    std::map<std::string, std::string> text_partials;
    std::map<std::string, std::string> html_partials;
  };

  std::map<std::string, Template, std::less<>> templates_;
  std::map<std::string, std::string> partials_;
};

}  // namespace vivrovert::mail
