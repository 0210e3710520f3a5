#include "web/legal/legal_pages.hpp"

#include <string>

namespace vivrovert::legal {

namespace {

// A publisher field as the templates show it: its value, or "à renseigner" when unset.
mstch::map Field(const std::string& value) {
  return mstch::map{{"value", value}, {"missing", value.empty()}};
}

mstch::map PublisherData(const PublisherConfig& publisher) {
  return mstch::map{{"name", Field(publisher.name)},
                    {"legal_form", Field(publisher.legal_form)},
                    {"siret", Field(publisher.siret)},
                    {"address", Field(publisher.address)},
                    {"email", Field(publisher.email)},
                    {"publication_director", Field(publisher.publication_director)},
                    {"dpo_email", Field(publisher.dpo_email)},
                    {"host_name", Field(publisher.host_name)},
                    {"host_address", Field(publisher.host_address)},
                    {"host_phone", Field(publisher.host_phone)}};
}

}  // namespace

void RegisterLegalPages(web::App& app, const PublisherConfig& publisher) {
  const mstch::map data = PublisherData(publisher);
  struct Page {
    const char* path;
    const char* template_name;
    const char* title;
  };
  for (const Page& page :
       {Page{kMentionsPath, "legal_mentions", "Mentions légales — VivroVert"},
        Page{kPrivacyPath, "legal_privacy", "Politique de confidentialité — VivroVert"},
        Page{kTermsPath, "legal_terms", "Conditions générales d'utilisation — VivroVert"},
        Page{kAccessibilityPath, "legal_accessibility",
             "Déclaration d'accessibilité — VivroVert"}}) {
    app.Get(page.path, [data, page](web::Context& context) {
      mstch::map page_data = data;
      page_data["title"] = std::string(page.title);
      page_data["meta_description"] = std::string(page.title) +
                                      " : qui édite le site, quelles données il traite et à "
                                      "quelles conditions.";
      return context.Page(page.template_name, std::move(page_data));
    });
  }
}

}  // namespace vivrovert::legal
