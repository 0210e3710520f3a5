// Rendering the mails and pages (issue 25), Google Benchmark, side by side in one run:
// mstch handed every partial at every render (the way before: it parses each one it is
// given) against only the partials the template reaches (core/common/mustache_partials.hpp).
// Values: tests/support/mustache_values.hpp, every variable filled; the mails with every
// section shown (two items each), the pages with their sections hidden (the page's frame,
// as most requests render it). docs/PERFORMANCE.md reports the ratios.
//
//   vivrovert_bench_templates [benchmark flags]
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/common/mstch_json.hpp"
#include "domain/mail/templates.hpp"
#include "support/mustache_values.hpp"
#include "web/http/templates.hpp"

namespace {

using namespace vivrovert;

const std::filesystem::path kRoot = VIVROVERT_SOURCE_ROOT;

void BM_EveryMail(benchmark::State& state) {
  const bool every_partial = state.range(0) == 1;
  auto templates = mail::MailTemplates::Load(kRoot.string(), every_partial);
  if (!templates.ok()) {
    state.SkipWithError(templates.status().ToString().c_str());
    return;
  }
  const nlohmann::json values = testing::MustacheValues(kRoot / "templates" / "mail").Full();
  const std::vector<std::string> names = templates->Names();
  size_t bytes = 0;
  for (auto _ : state) {
    for (const std::string& name : names) {
      auto message = templates->RenderNested(name, values);
      bytes += message->body_html.size();
    }
  }
  state.counters["mails"] = static_cast<double>(names.size());
  benchmark::DoNotOptimize(bytes);
  state.SetLabel(every_partial ? "every partial (before)" : "reachable partials");
}
BENCHMARK(BM_EveryMail)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);

void BM_InstantMail(benchmark::State& state) {
  const bool every_partial = state.range(0) == 1;
  auto templates = mail::MailTemplates::Load(kRoot.string(), every_partial);
  const nlohmann::json values = testing::MustacheValues(kRoot / "templates" / "mail").Full();
  size_t bytes = 0;
  for (auto _ : state)
    bytes += templates->RenderNested("listing_instant", values)->body_html.size();
  benchmark::DoNotOptimize(bytes);
  state.SetLabel(every_partial ? "every partial (before)" : "reachable partials");
}
BENCHMARK(BM_InstantMail)->Arg(1)->Arg(0)->Unit(benchmark::kMicrosecond);

void BM_EveryPage(benchmark::State& state) {
  const bool every_partial = state.range(0) == 1;
  const std::filesystem::path folder = kRoot / "templates" / "pages";
  auto renderer = web::TemplateRenderer::Load(folder.string(), every_partial);
  if (!renderer.ok()) {
    state.SkipWithError(renderer.status().ToString().c_str());
    return;
  }
  const mstch::map values =
      boost::get<mstch::map>(MstchFromJson(testing::MustacheValues(folder).Hidden()));
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() == ".mustache") names.push_back(entry.path().stem().string());
  }
  size_t bytes = 0;
  for (auto _ : state) {
    for (const std::string& name : names) bytes += renderer->RenderPage(name, values)->size();
  }
  state.counters["pages"] = static_cast<double>(names.size());
  benchmark::DoNotOptimize(bytes);
  state.SetLabel(every_partial ? "every partial (before)" : "reachable partials");
}
BENCHMARK(BM_EveryPage)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
