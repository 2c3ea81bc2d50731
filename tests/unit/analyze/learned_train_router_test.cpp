#include <pointsman/analyze/learned_train_router.hpp>
#include <pointsman/analyze/router_eval_datasets.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace pointsman::analyze {
namespace {

class TrainRouter : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() /
                 ("pointsman-train-router-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(directory_);
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  std::filesystem::path write(const std::string& name, const std::string& text) {
    const auto path = directory_ / name;
    std::ofstream(path) << text;
    return path;
  }

  std::filesystem::path directory_;
};

TEST_F(TrainRouter, WeakAndStrongScoresGiveLoadableModel) {
  TrainRouterOptions options;
  options.input = write("train.csv",
                        "prompt,weak_score,strong_score\n"
                        "\"prove that 2 is prime, formally\",0,1\n"
                        "prove the triangle inequality,0,1\n"
                        "hello,1,1\n"
                        "say hi,1,0\n");
  options.output = directory_ / "model.json";
  ASSERT_EQ(runTrainRouter(options), 0);
  const auto router = LearnedRouter::load(options.output);
  EXPECT_GT(router.score("prove the claim"), router.score("hello there"));
}

TEST_F(TrainRouter, LabelColumnAcceptsSoftLabels) {
  TrainRouterOptions options;
  options.input = write("train.csv", "prompt,label\nhard question,0.75\neasy one,0.25\n");
  options.output = directory_ / "model.json";
  EXPECT_EQ(runTrainRouter(options), 0);
  EXPECT_TRUE(std::filesystem::exists(options.output));
}

TEST_F(TrainRouter, LabelOutsideUnitIntervalIsRejected) {
  TrainRouterOptions options;
  options.input = write("train.csv", "prompt,label\nx,2\ny,0\n");
  options.output = directory_ / "model.json";
  EXPECT_EQ(runTrainRouter(options), 1);
  EXPECT_FALSE(std::filesystem::exists(options.output));
}

TEST_F(TrainRouter, CsvWithoutLabelColumnsIsRejected) {
  TrainRouterOptions options;
  options.input = write("train.csv", "prompt,other\nx,1\ny,0\n");
  options.output = directory_ / "model.json";
  EXPECT_EQ(runTrainRouter(options), 1);
}

TEST_F(TrainRouter, AlpacaEvalTrainsOnTrainingSplitOnly) {
  // Ids "0" to "9": the exported rows must be exactly the ids outside the held-out split.
  std::string csv = "id,dataset,instruction,model_a,model_b\n";
  for (int id = 0; id < 10; ++id) csv += std::to_string(id) + ",x,prompt number " + std::to_string(id) + ",1,0\n";
  TrainRouterOptions options;
  options.alpaca_eval = write("alpaca.csv", csv);
  options.export_csv = directory_ / "rows.csv";
  options.output = directory_ / "model.json";
  ASSERT_EQ(runTrainRouter(options), 0);
  std::ifstream exported(options.export_csv);
  std::string line;
  std::getline(exported, line);
  int rows = 0;
  while (std::getline(exported, line)) {
    const auto id = line.substr(0, line.find(','));
    EXPECT_FALSE(isHeldOut(id)) << id;
    EXPECT_NE(line.find(",0.5"), std::string::npos) << line;  // one win, one loss
    ++rows;
  }
  int expected = 0;
  for (int id = 0; id < 10; ++id) expected += isHeldOut(std::to_string(id)) ? 0 : 1;
  EXPECT_EQ(rows, expected);
}

}  // namespace
}  // namespace pointsman::analyze
