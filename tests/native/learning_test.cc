// src/learning/: the feature encoding, errors naming the option, the
// exported `predictive` section, weights in words and cluster rules whose
// conditions mean what the tree tested.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/json.h"
#include "learning/cluster_rule.h"
#include "learning/cross_validation.h"
#include "learning/feature_table.h"
#include "learning/logistic_regression.h"
#include "learning/model_training.h"
#include "learning/plain_words.h"
#include "learning/predictive_export.h"

namespace leadseg::learning {
namespace {

RawColumn Numeric(const std::string& name, std::vector<double> values) {
  RawColumn c;
  c.name = name;
  c.numbers = std::move(values);
  return c;
}

TEST(FeatureTable, StandardisesImputesAndAddsMissingIndicators) {
  Result<FeatureTable> t = BuildFeatureTable({Numeric("x", {1, 3, NAN, 5})}, {});
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->cols(), 2u);
  EXPECT_EQ(t->features[0].Label(), "x");
  EXPECT_DOUBLE_EQ(t->features[0].mean, 3);
  EXPECT_NEAR(t->features[0].scale, std::sqrt(8.0 / 3), 1e-12);
  EXPECT_EQ(t->features[1].Label(), "x missing");
  EXPECT_DOUBLE_EQ(t->row(2)[0], 0);  // missing = the mean
  EXPECT_DOUBLE_EQ(t->row(2)[1], 1);
  EXPECT_DOUBLE_EQ(t->row(0)[1], 0);
}

TEST(FeatureTable, CapsLevelsAndSkipsConstantColumns) {
  RawColumn c;
  c.name = "industry";
  c.type = RawColumn::Type::kCategorical;
  c.levels = {"a", "b", "c"};
  c.codes = {0, 0, 0, 1, 1, 2};
  FeatureOptions fo;
  fo.max_levels = 2;
  Result<FeatureTable> t = BuildFeatureTable({c, Numeric("same", {2, 2, 2, 2, 2, 2})}, fo);
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->cols(), 2u);
  EXPECT_EQ(t->features[0].Label(), "industry = a");
  EXPECT_EQ(t->features[1].Label(), "industry = b");
  EXPECT_DOUBLE_EQ(t->row(5)[0] + t->row(5)[1], 0);  // "c" is the baseline
  ASSERT_EQ(t->skipped.size(), 1u);
  EXPECT_EQ(t->skipped[0].column, "same");
}

TEST(FeatureTable, ErrorsNameTheColumn) {
  Result<FeatureTable> t = BuildFeatureTable({Numeric("a", {1, 2}), Numeric("b/c", {1})}, {});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().path(), "/features/b~1c");
  Result<FeatureTable> none = BuildFeatureTable({Numeric("a", {1, 1})}, {});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().path(), "/features");
}

TEST(Training, RefusesBadOptionsWithTheirPath) {
  Result<FeatureTable> t = BuildFeatureTable({Numeric("x", {1, 2, 3, 4, 5, 6})}, {});
  ASSERT_TRUE(t.ok());
  TrainingOptions o;
  o.C = -1;
  EXPECT_EQ(TrainingRun::Start(*t, {0, 1, 0, 1, 0, 1}, o).status().path(), "/C");
  o.C = 1;
  o.folds = 30;
  EXPECT_EQ(TrainingRun::Start(*t, {0, 1, 0, 1, 0, 1}, o).status().path(), "/folds");
  o.folds = 5;
  Result<TrainingRun> few = TrainingRun::Start(*t, {0, 1, 0, 0, 0, 0}, o);
  ASSERT_FALSE(few.ok());
  EXPECT_EQ(few.status().path(), "/outcome");
  EXPECT_EQ(TrainingRun::Start(*t, {0, 2, 0, 1, 0, 1}, o).status().path(), "/outcome");
}

TEST(Training, FoldsAreStratifiedAndSeeded) {
  std::vector<double> y(100, 0);
  for (size_t i = 0; i < 10; ++i) y[i * 10] = 1;
  Result<Validation> v = KFold(y, 5, 7);
  ASSERT_TRUE(v.ok());
  for (int r = 0; r < 5; ++r) {
    std::vector<size_t> train, test;
    v->Split(r, train, test);
    EXPECT_EQ(test.size(), 20u);
    double positives = 0;
    for (size_t i : test) positives += y[i];
    EXPECT_EQ(positives, 2);
  }
  EXPECT_EQ(KFold(y, 5, 7)->round_of, v->round_of);
  EXPECT_NE(KFold(y, 5, 8)->round_of, v->round_of);
}

TEST(Training, ExportsThePredictiveSectionAndAgreesWithItsFormula) {
  // x predicts y; z is noise with some values missing.
  std::vector<double> x, z, y;
  for (int i = 0; i < 200; ++i) {
    x.push_back(i % 10);
    z.push_back(i % 7 == 0 ? NAN : (i * 37) % 11);
    y.push_back((i % 10) + ((i * 13) % 5) > 7 ? 1 : 0);
  }
  Result<FeatureTable> t = BuildFeatureTable({Numeric("x", x), Numeric("z", z)}, {});
  ASSERT_TRUE(t.ok());
  Result<TrainingRun> run = TrainingRun::Start(*t, y, {});
  ASSERT_TRUE(run.ok());
  ASSERT_TRUE(run->FitFinal().ok());
  for (int r = 0; r < run->rounds(); ++r) ASSERT_TRUE(run->RunRound(r).ok());
  TrainingReport report = run->Report();
  EXPECT_EQ(report.validated, 200u);
  EXPECT_GT(report.auc, 0.85);
  EXPECT_EQ(report.calibration.size(), 10u);
  EXPECT_EQ(report.roc.front().fpr, 0);
  EXPECT_EQ(report.roc.back().tpr, 1);

  ExportOptions eo;
  eo.scoring_points = 40;
  eo.rows = 200;
  eo.auc = report.auc;
  eo.at = "2026-12-03T18:00:00Z";
  Json section = ExportPredictive(run->table(), run->model(), eo);
  EXPECT_EQ(section["id"], "conversion");
  EXPECT_EQ(section["model"], "logistic");
  EXPECT_EQ(section["scoring"]["points"], 40);
  EXPECT_FALSE(section.contains("grading"));
  ASSERT_EQ(section["features"].size(), 3u);
  EXPECT_EQ(section["features"][2]["missing"], true);
  // p = sigmoid(intercept + sum of contributions), as the runtime computes it
  // (docs/predictive.md), equals the model's own probability.
  for (int i : {0, 7, 55}) {
    double eta = section["intercept"].get<double>();
    for (const Json& f : section["features"]) {
      const std::vector<double>& column = f["attribute"] == "x" ? x : z;
      double v = column[static_cast<size_t>(i)];
      if (f.contains("missing")) eta += std::isnan(v) ? f["weight"].get<double>() : 0;
      else if (!std::isnan(v)) eta += f["weight"].get<double>() * (v - f["mean"].get<double>()) / f["scale"].get<double>();
    }
    EXPECT_NEAR(Sigmoid(eta), run->model().Probability(run->table().row(static_cast<size_t>(i))), 1e-12);
  }
}

TEST(PlainWords, WeightsReadPerUnit) {
  Feature f;
  f.attribute = "pricing_views_2d";
  f.scale = 2;
  EXPECT_EQ(WeightInWords(f, 0.88).substr(0, 44), "pricing_views_2d: +0.44 log-odds per unit (o");
  f.kind = Feature::Kind::kEquals;
  f.attribute = "industry";
  f.equals = "Software";
  EXPECT_EQ(WeightInWords(f, 0.42), "industry is \"Software\": +0.42 log-odds (odds x1.52)");
  EXPECT_EQ(ShortNumber(0.0012, true), "+0.0012");
}

TEST(ClusterRule, NegativeThresholdsKeepMissingValuesOut) {
  // Cluster 1 = x > -1.5 among present values; a missing x is in cluster 0.
  std::vector<double> x;
  std::vector<int> labels;
  for (int i = 0; i < 400; ++i) {
    bool missing = i % 4 == 0;
    double v = -5 + (i % 10);
    x.push_back(missing ? NAN : v);
    labels.push_back(!missing && v > -1.5 ? 1 : 0);
  }
  std::vector<RawColumn> columns{Numeric("x", x)};
  Result<FeatureTable> t = BuildFeatureTable(columns, {});
  ASSERT_TRUE(t.ok());
  ClusterRuleLearner learner(*t, columns);
  ClusterRule rule = learner.Describe(labels, 1, 1);
  EXPECT_EQ(rule.condition, Json::parse(R"({"x": {"$exists": true, "$gt": -2.0}})")) << rule.condition.dump();
  EXPECT_DOUBLE_EQ(rule.precision, 1);
  EXPECT_DOUBLE_EQ(rule.recall, 1);
}

}  // namespace
}  // namespace leadseg::learning
