// The catalogue lookup of `tlsmatrix run` without PATH (harness/scenario/catalogue_location.h),
// table by table: each case builds the folders in a temporary tree, points the places at them,
// and checks which one wins and how it is named. The installed end to end is
// tests/integration/install_prefix.sh and deb_package.sh.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "harness/io/input_error.h"
#include "harness/scenario/catalogue_location.h"
#include "tests/unit/support/temp_dir.h"

namespace tlsmatrix {
namespace {

namespace fs = std::filesystem;

class CatalogueLocationTest : public ::testing::Test {
 protected:
  // tmp/work (the current folder), tmp/prefix/bin/tlsmatrix, tmp/prefix/share/tlsmatrix/scenarios,
  // tmp/builtin/share/tlsmatrix/scenarios; each created only when a case asks for it.
  fs::path root() const { return tmp_.path(); }
  fs::path work() const { return root() / "work"; }
  fs::path exe() const { return root() / "prefix" / "bin" / "tlsmatrix"; }
  fs::path beside() const { return root() / "prefix" / "share" / "tlsmatrix" / "scenarios"; }
  fs::path builtin() const { return root() / "builtin" / "share" / "tlsmatrix" / "scenarios"; }

  scenario::CataloguePlaces places() const {
    scenario::CataloguePlaces p;
    p.working_dir = work();
    p.executable = exe();
    p.bin_to_datadir = "../share";
    p.installed_datadir = root() / "builtin" / "share";
    return p;
  }
  void SetUp() override { fs::create_directories(work()); }

  testutil::TempDir tmp_;
};

TEST_F(CatalogueLocationTest, NothingAnywhereIsBadInputNamingEveryPlace) {
  try {
    scenario::locate_catalogue(places());
    FAIL() << "no catalogue exists, yet one was found";
  } catch (const io::InputError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("$TLSMATRIX_SCENARIOS is not set"), std::string::npos) << msg;
    EXPECT_NE(msg.find("./scenarios"), std::string::npos) << msg;
    EXPECT_NE(msg.find(beside().string()), std::string::npos) << msg;
    EXPECT_NE(msg.find(builtin().string()), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
  }
}

TEST_F(CatalogueLocationTest, BuiltInPrefixIsTheLastResort) {
  fs::create_directories(builtin());
  scenario::CatalogueLocation at = scenario::locate_catalogue(places());
  EXPECT_EQ(at.path, builtin());
  EXPECT_EQ(describe(at), "catalogue: " + builtin().string() + " (the install prefix tlsmatrix was built for)");
}

TEST_F(CatalogueLocationTest, BesideTheExecutableBeatsTheBuiltInPrefix) {
  fs::create_directories(builtin());
  fs::create_directories(beside());
  scenario::CatalogueLocation at = scenario::locate_catalogue(places());
  EXPECT_EQ(at.path, beside()) << "the ../share hop must be folded away";
  EXPECT_EQ(at.how, "installed with " + exe().string());
}

TEST_F(CatalogueLocationTest, WorkingFolderBeatsTheInstalledOne) {
  fs::create_directories(beside());
  fs::create_directories(work() / "scenarios");
  scenario::CatalogueLocation at = scenario::locate_catalogue(places());
  EXPECT_EQ(at.path, work() / "scenarios");
  EXPECT_EQ(at.how, "./scenarios in the current folder");
}

TEST_F(CatalogueLocationTest, AFileCalledScenariosIsNotACatalogue) {
  std::ofstream(work() / "scenarios") << "not a folder";
  fs::create_directories(beside());
  EXPECT_EQ(scenario::locate_catalogue(places()).path, beside());
}

TEST_F(CatalogueLocationTest, EnvironmentBeatsEverything) {
  fs::create_directories(work() / "scenarios");
  fs::create_directories(beside());
  fs::create_directories(root() / "mine");
  scenario::CataloguePlaces p = places();
  p.env = (root() / "mine").string();
  scenario::CatalogueLocation at = scenario::locate_catalogue(p);
  EXPECT_EQ(at.path, root() / "mine");
  EXPECT_EQ(at.how, "from $TLSMATRIX_SCENARIOS");
}

TEST_F(CatalogueLocationTest, EnvironmentPointingNowhereIsBadInputNotAFallBack) {
  fs::create_directories(beside());
  scenario::CataloguePlaces p = places();
  p.env = (root() / "gone").string();
  try {
    scenario::locate_catalogue(p);
    FAIL() << "a missing $TLSMATRIX_SCENARIOS fell back to another catalogue";
  } catch (const io::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("$TLSMATRIX_SCENARIOS=" + (root() / "gone").string()), std::string::npos)
        << e.what();
  }
}

TEST_F(CatalogueLocationTest, EmptyEnvironmentCountsAsUnset) {
  fs::create_directories(beside());
  scenario::CataloguePlaces p = places();
  p.env = "";
  EXPECT_EQ(scenario::locate_catalogue(p).path, beside());
}

TEST_F(CatalogueLocationTest, UnknownExecutableSkipsThatPlaceAndSaysSo) {
  scenario::CataloguePlaces p = places();
  p.executable.reset();
  try {
    scenario::locate_catalogue(p);
    FAIL() << "found a catalogue where none exists";
  } catch (const io::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("executable's own folder is unknown"), std::string::npos) << e.what();
  }
}

TEST(CatalogueLookupHelp, NamesThisBuildsPlacesInOrder) {
  std::string help = scenario::catalogue_lookup_help();
  std::size_t env = help.find("$TLSMATRIX_SCENARIOS");
  std::size_t here = help.find("./scenarios");
  std::size_t beside = help.find("tlsmatrix/scenarios, BIN");
  std::size_t built_in = help.find("/share/tlsmatrix/scenarios (the prefix");
  ASSERT_NE(env, std::string::npos) << help;
  ASSERT_NE(here, std::string::npos) << help;
  ASSERT_NE(beside, std::string::npos) << help;
  ASSERT_NE(built_in, std::string::npos) << help;
  EXPECT_LT(env, here);
  EXPECT_LT(here, beside);
  EXPECT_LT(beside, built_in);
  for (std::size_t start = 0, end; start < help.size(); start = end + 1) {
    end = help.find('\n', start);
    if (end == std::string::npos) end = help.size();
    EXPECT_LE(end - start, 80u) << "wider than a CI log: " << help.substr(start, end - start);
  }
}

}  // namespace
}  // namespace tlsmatrix
