#include "domain/mail/templates.hpp"

#include <filesystem>
#include <fstream>
#include <mstch/mstch.hpp>
#include <regex>
#include <sstream>

#include "core/common/mstch_json.hpp"
#include "core/common/mustache_partials.hpp"

namespace vivrovert::mail {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSubjectSuffix = ".subject.txt";

Result<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return FailedPrecondition("cannot read mail template " + path.string());
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// Names of the variables and partials a template refers to. Only variables outside any
// section are collected: those must have a value. Section tags ({{#x}}, {{^x}}) are not
// variables (a missing section value just hides the section), and the variables inside a
// section are looked up in its items first, so they cannot be checked from the outside.
// A partial included inside a section is collected in `section_partials`: its variables are
// looked up in the section's items, so they are not required either.
void CollectTags(const std::string& source, std::set<std::string>& variables,
                 std::set<std::string>& partials, std::set<std::string>& section_partials) {
  static const std::regex kTag(R"(\{\{\{?\s*([&#^/!>]?)\s*([A-Za-z0-9_.]+)\s*\}?\}\})");
  int depth = 0;
  for (auto match = std::sregex_iterator(source.begin(), source.end(), kTag);
       match != std::sregex_iterator(); ++match) {
    const std::string kind = (*match)[1];
    const std::string name = (*match)[2];
    if (kind == "#" || kind == "^") ++depth;
    if (kind == "/" && depth > 0) --depth;
    if ((kind.empty() || kind == "&") && depth == 0) variables.insert(name);
    if (kind == ">") (depth == 0 ? partials : section_partials).insert(name);
  }
}

std::string FoldedSubject(const std::string& rendered) {
  std::string subject;
  bool pending_space = false;
  for (char c : rendered) {
    if (c == '\r' || c == '\n' || c == '\t' || c == ' ') {
      pending_space = !subject.empty();
      continue;
    }
    if (pending_space) subject.push_back(' ');
    pending_space = false;
    subject.push_back(c);
  }
  return subject;
}

}  // namespace

Result<MailTemplates> MailTemplates::Load(const std::string& resource_dir, bool every_partial) {
  const fs::path folder = fs::path(resource_dir) / "templates" / "mail";
  std::error_code error;
  if (!fs::is_directory(folder, error)) {
    return FailedPrecondition("mail templates folder not found: " + folder.string());
  }
  MailTemplates loaded;
  std::vector<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder)) {
    const std::string file = entry.path().filename().string();
    if (file.starts_with("_")) {
      std::string partial = entry.path().stem().string().substr(1);
      if (loaded.partials_.contains(partial)) {
        return FailedPrecondition("two mail partials named '" + partial + "' in " +
                                  folder.string());
      }
      VV_ASSIGN_OR_RETURN(loaded.partials_[partial], ReadFile(entry.path()));
    } else if (file.ends_with(kSubjectSuffix)) {
      names.push_back(file.substr(0, file.size() - kSubjectSuffix.size()));
    }
  }
  for (const std::string& name : names) {
    Template mail;
    VV_ASSIGN_OR_RETURN(mail.subject, ReadFile(folder / (name + std::string(kSubjectSuffix))));
    VV_ASSIGN_OR_RETURN(mail.text, ReadFile(folder / (name + ".txt")));
    VV_ASSIGN_OR_RETURN(mail.html, ReadFile(folder / (name + ".html")));
    // Partials may include partials; follow them all once. Those reached only from inside
    // a section contribute no required variable.
    std::set<std::string> partials, section_partials;
    for (const std::string* source : {&mail.subject, &mail.text, &mail.html}) {
      CollectTags(*source, mail.variables, partials, section_partials);
    }
    std::set<std::string> visited;
    std::set<std::string> ignored_variables;
    auto follow = [&](std::set<std::string>& pending, std::set<std::string>& variables) -> Status {
      while (!pending.empty()) {
        std::string partial = *pending.begin();
        pending.erase(pending.begin());
        if (!visited.insert(partial).second) continue;
        auto found = loaded.partials_.find(partial);
        if (found == loaded.partials_.end()) {
          return FailedPrecondition("mail template '" + name + "' uses unknown partial '" +
                                    partial + "'");
        }
        CollectTags(found->second, variables, pending, section_partials);
      }
      return Status::Ok();
    };
    VV_RETURN_IF_ERROR(follow(partials, mail.variables));
    VV_RETURN_IF_ERROR(follow(section_partials, ignored_variables));
    auto partials_of = [&](const std::string& source) {
      return every_partial ? loaded.partials_ : ReachablePartials(source, loaded.partials_);
    };
    mail.subject_partials = partials_of(mail.subject);
    mail.text_partials = partials_of(mail.text);
    mail.html_partials = partials_of(mail.html);
    loaded.templates_.emplace(name, std::move(mail));
  }
  return loaded;
}

Result<OutgoingMessage> MailTemplates::Render(std::string_view name,
                                              const TemplateValues& values) const {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [key, value] : values) object[key] = value;
  return RenderNested(name, object);
}

Result<OutgoingMessage> MailTemplates::RenderNested(std::string_view name,
                                                    const nlohmann::json& values) const {
  auto found = templates_.find(name);
  if (found == templates_.end()) {
    return NotFound("no mail template named '" + std::string(name) + "'", "template");
  }
  if (!values.is_object()) {
    return InvalidArgument("mail template values must be an object", "values");
  }
  const Template& mail = found->second;
  for (const std::string& variable : mail.variables) {
    if (!values.contains(variable)) {
      return InvalidArgument(
          "mail template '" + std::string(name) + "' needs a value for '" + variable + "'",
          variable);
    }
  }
  const mstch::node context = MstchFromJson(values);
  OutgoingMessage message;
  try {
    message.subject = FoldedSubject(mstch::render(mail.subject, context, mail.subject_partials));
    message.body_text = mstch::render(mail.text, context, mail.text_partials);
    message.body_html = mstch::render(mail.html, context, mail.html_partials);
  } catch (const std::exception& error) {
    return Internal("cannot render mail template '" + std::string(name) + "': " + error.what());
  }
  return message;
}

std::vector<std::string> MailTemplates::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, mail] : templates_) names.push_back(name);
  return names;
}

}  // namespace vivrovert::mail
