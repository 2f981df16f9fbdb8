// Embind glue of the learning module (web/dist/leadseg-learn.*): training a
// predictive model and discovering segments on a lead list. Loaded only by
// trainModel() and discoverSegments() (web/src/learn.js); a visitor's page
// never fetches it.
//
// The lead list arrives column by column as typed arrays (web/src/
// learn-input.js types the JSON values), options as JSON text, results
// leave as JSON text. Long runs are split into steps (fitFinal, runRound,
// tryK, ...) so the caller can report progress and honour an AbortSignal
// between them. Like bindings/leadseg_bindings.cc, a step that can fail
// returns an error record {__leadsegError, path} instead of throwing.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "error_records.h"
#include "learning/feature_table.h"
#include "learning/model_training.h"
#include "learning/plain_words.h"
#include "learning/predictive_export.h"
#include "learning/raw_column.h"
#include "learning/segment_discovery.h"

using emscripten::val;

namespace leadseg {
namespace {

using learning::RawColumn;

val Ok() { return val(true); }

// Numbers of an options object, with the option's path on a wrong type.
Result<double> NumberOption(const Json& options, const char* key, double fallback) {
  if (!options.contains(key) || options[key].is_null()) return fallback;
  if (!options[key].is_number()) return InvalidArgument(std::string(key) + " must be a number", std::string("/") + key);
  return options[key].get<double>();
}

class Learner {
 public:
  void AddNumeric(const std::string& name, const val& values, bool boolean) {
    RawColumn c;
    c.name = name;
    c.type = boolean ? RawColumn::Type::kBoolean : RawColumn::Type::kNumeric;
    c.numbers = emscripten::convertJSArrayToNumberVector<double>(values);
    columns_.push_back(std::move(c));
  }

  val AddCategorical(const std::string& name, const std::string& levels_json, const val& codes) {
    Result<Json> levels = ParseJson(levels_json, "levels");
    if (!levels.ok() || !levels->is_array()) return ErrorRecord(InvalidArgument("levels must be a JSON array", "/features" + PointerToken(name)));
    RawColumn c;
    c.name = name;
    c.type = RawColumn::Type::kCategorical;
    for (const Json& level : *levels) c.levels.push_back(level);
    c.codes = emscripten::convertJSArrayToNumberVector<int32_t>(codes);
    columns_.push_back(std::move(c));
    return Ok();
  }

  // options: {maxLevels, C, folds, holdout, seed}
  val StartTraining(const val& outcome, const std::string& options_json) {
    Result<Json> options = ParseJson(options_json, "options");
    if (!options.ok()) return ErrorRecord(options.status());
    Result<learning::FeatureTable> table = Table(*options);
    if (!table.ok()) return ErrorRecord(table.status());
    learning::TrainingOptions to;
    Result<double> c = NumberOption(*options, "C", 1.0);
    Result<double> folds = NumberOption(*options, "folds", 5);
    Result<double> holdout = NumberOption(*options, "holdout", 0.2);
    Result<double> seed = NumberOption(*options, "seed", 1);
    for (const auto* r : {&c, &folds, &holdout, &seed}) if (!r->ok()) return ErrorRecord(r->status());
    to.C = *c;
    to.folds = static_cast<int>(*folds);
    to.holdout = *holdout;
    to.seed = static_cast<uint64_t>(*seed);
    std::vector<double> y = emscripten::convertJSArrayToNumberVector<double>(outcome);
    Result<learning::TrainingRun> run = learning::TrainingRun::Start(std::move(*table), std::move(y), to);
    if (!run.ok()) return ErrorRecord(run.status());
    training_ = std::make_unique<learning::TrainingRun>(std::move(*run));
    return val(training_->rounds());
  }

  val FitFinal() {
    if (!training_) return ErrorRecord(FailedPrecondition("no training started"));
    Status s = training_->FitFinal();
    return s.ok() ? Ok() : ErrorRecord(s);
  }

  val RunRound(int round) {
    if (!training_) return ErrorRecord(FailedPrecondition("no training started"));
    Status s = training_->RunRound(round);
    return s.ok() ? Ok() : ErrorRecord(s);
  }

  // export options: {id, name, scoring, grading, at}; returns the whole
  // result as JSON text (web/index.d.ts TrainedModel, minus what JS adds).
  val TrainingResult(const std::string& export_json) {
    if (!training_) return ErrorRecord(FailedPrecondition("no training started"));
    Result<Json> options = ParseJson(export_json, "options");
    if (!options.ok()) return ErrorRecord(options.status());
    const learning::TrainingReport report = training_->Report();
    const learning::FeatureTable& table = training_->table();
    const learning::LogisticModel& model = training_->model();
    learning::ExportOptions eo;
    eo.id = options->value("id", std::string("conversion"));
    eo.name = options->value("name", std::string());
    if (options->contains("scoring")) eo.scoring_points = (*options)["scoring"].get<double>();
    if (options->contains("grading")) eo.grading_points = (*options)["grading"].get<double>();
    eo.rows = report.rows;
    eo.auc = report.auc;
    eo.at = options->value("at", std::string());

    Json out = Json::object();
    out["predictive"] = learning::ExportPredictive(table, model, eo);
    Json metrics = Json::object();
    auto finite = [](double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); };
    metrics["auc"] = finite(report.auc);
    metrics["logLoss"] = finite(report.log_loss);
    metrics["brier"] = finite(report.brier);
    Json calibration = Json::array();
    for (const auto& bin : report.calibration) {
      calibration.push_back(Json{{"decile", bin.decile}, {"count", bin.count}, {"predicted", bin.predicted}, {"observed", bin.observed}});
    }
    metrics["calibration"] = calibration;
    metrics["rows"] = report.rows;
    metrics["positives"] = report.positives;
    const learning::Validation& v = training_->validation();
    metrics["validation"] = Json{{"kind", v.holdout ? "holdout" : "cross-validation"}, {"folds", v.rounds}, {"rows", report.validated}};
    metrics["iterations"] = model.iterations;
    metrics["converged"] = model.converged;
    out["metrics"] = metrics;

    Json weights = Json::array();
    for (size_t j = 0; j < table.cols(); ++j) {
      const learning::Feature& f = table.features[j];
      Json w = Json::object();
      w["feature"] = f.Label();
      w["attribute"] = f.attribute;
      w["kind"] = f.kind == learning::Feature::Kind::kNumeric ? "numeric" : f.kind == learning::Feature::Kind::kEquals ? "equals" : "missing";
      w["weight"] = model.weights[j];
      if (f.kind == learning::Feature::Kind::kNumeric) w["perUnit"] = learning::PerUnit(f, model.weights[j]);
      w["text"] = learning::WeightInWords(f, model.weights[j]);
      weights.push_back(std::move(w));
    }
    out["weights"] = weights;
    Json roc = Json::array();
    for (const auto& point : report.roc) roc.push_back(Json{{"fpr", point.fpr}, {"tpr", point.tpr}, {"threshold", std::min(point.threshold, 1.0)}});
    out["roc"] = roc;
    out["skipped"] = Skipped(table);
    return val(out.dump());
  }

  // options: {maxLevels, k, kMax, restarts, depth, seed}; returns the k values to try.
  val StartDiscovery(const std::string& options_json) {
    Result<Json> options = ParseJson(options_json, "options");
    if (!options.ok()) return ErrorRecord(options.status());
    Result<learning::FeatureTable> table = Table(*options);
    if (!table.ok()) return ErrorRecord(table.status());
    learning::DiscoveryOptions d;
    Result<double> k = NumberOption(*options, "k", 0);
    Result<double> k_max = NumberOption(*options, "kMax", 10);
    Result<double> restarts = NumberOption(*options, "restarts", 3);
    Result<double> depth = NumberOption(*options, "depth", 2);
    Result<double> seed = NumberOption(*options, "seed", 1);
    for (const auto* r : {&k, &k_max, &restarts, &depth, &seed}) if (!r->ok()) return ErrorRecord(r->status());
    d.k = static_cast<int>(*k);
    d.k_max = static_cast<int>(*k_max);
    d.restarts = static_cast<int>(*restarts);
    d.depth = static_cast<int>(*depth);
    d.seed = static_cast<uint64_t>(*seed);
    skipped_ = Skipped(*table);
    Result<learning::DiscoveryRun> run = learning::DiscoveryRun::Start(std::move(*table), columns_, d);
    if (!run.ok()) return ErrorRecord(run.status());
    discovery_ = std::make_unique<learning::DiscoveryRun>(std::move(*run));
    val ks = val::array();
    for (int candidate : discovery_->candidates()) ks.call<void>("push", candidate);
    return ks;
  }

  val TryK(int k) {
    if (!discovery_) return ErrorRecord(FailedPrecondition("no discovery started"));
    Status s = discovery_->TryK(k);
    return s.ok() ? Ok() : ErrorRecord(s);
  }

  val DiscoveryResult() {
    if (!discovery_) return ErrorRecord(FailedPrecondition("no discovery started"));
    Status s = discovery_->Finish();
    if (!s.ok()) return ErrorRecord(s);
    Json out = discovery_->Describe();
    out["skipped"] = skipped_;
    return val(out.dump());
  }

 private:
  Result<learning::FeatureTable> Table(const Json& options) {
    learning::FeatureOptions fo;
    Result<double> max_levels = NumberOption(options, "maxLevels", 10);
    if (!max_levels.ok()) return max_levels.status();
    if (*max_levels < 1 || *max_levels > 100 || std::floor(*max_levels) != *max_levels) {
      return InvalidArgument("maxLevels must be an integer from 1 to 100", "/maxLevels");
    }
    fo.max_levels = static_cast<size_t>(*max_levels);
    return learning::BuildFeatureTable(columns_, fo);
  }

  static Json Skipped(const learning::FeatureTable& table) {
    Json skipped = Json::array();
    for (const auto& s : table.skipped) skipped.push_back(Json{{"column", s.column}, {"reason", s.reason}});
    return skipped;
  }

  std::vector<RawColumn> columns_;
  std::unique_ptr<learning::TrainingRun> training_;
  std::unique_ptr<learning::DiscoveryRun> discovery_;
  Json skipped_ = Json::array();
};

}  // namespace
}  // namespace leadseg

EMSCRIPTEN_BINDINGS(leadseg_learn) {
  using leadseg::Learner;
  emscripten::class_<Learner>("Learner")
      .constructor<>()
      .function("addNumeric", &Learner::AddNumeric)
      .function("addCategorical", &Learner::AddCategorical)
      .function("startTraining", &Learner::StartTraining)
      .function("fitFinal", &Learner::FitFinal)
      .function("runRound", &Learner::RunRound)
      .function("trainingResult", &Learner::TrainingResult)
      .function("startDiscovery", &Learner::StartDiscovery)
      .function("tryK", &Learner::TryK)
      .function("discoveryResult", &Learner::DiscoveryResult);
}
