#include "harness/scenario/catalogue_location.h"

#include <cstdlib>
#include <system_error>
#include <vector>

#include "harness/io/input_error.h"

// Set by harness/CMakeLists.txt from GNUInstallDirs; these defaults only keep a build without
// them honest (they are what GNUInstallDirs gives for the default prefix).
#ifndef TLSMATRIX_INSTALL_DATADIR
#define TLSMATRIX_INSTALL_DATADIR "/usr/local/share"
#endif
#ifndef TLSMATRIX_BIN_TO_DATADIR
#define TLSMATRIX_BIN_TO_DATADIR "../share"
#endif

namespace tlsmatrix::scenario {

namespace fs = std::filesystem;

namespace {

constexpr const char* kEnv = "TLSMATRIX_SCENARIOS";
const fs::path kCatalogueUnderDatadir = fs::path("tlsmatrix") / "scenarios";

bool is_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

}  // namespace

CatalogueLocation locate_catalogue(const CataloguePlaces& places) {
  if (places.env && !places.env->empty()) {
    std::error_code ec;
    if (!fs::exists(*places.env, ec)) {
      throw io::InputError("$" + std::string(kEnv) + "=" + *places.env +
                       ": no such file or folder (unset it to use the installed catalogue)");
    }
    return {*places.env, "from $" + std::string(kEnv)};
  }
  // Relative to the working folder, so reports name files as they did before there was a lookup.
  const fs::path here = places.working_dir.empty() ? fs::path("scenarios") : places.working_dir / "scenarios";
  if (is_dir(here)) return {here, "./scenarios in the current folder"};

  std::vector<fs::path> tried;
  if (places.executable) {
    fs::path beside =
        (places.executable->parent_path() / places.bin_to_datadir / kCatalogueUnderDatadir).lexically_normal();
    if (is_dir(beside)) return {beside, "installed with " + places.executable->string()};
    tried.push_back(beside);
  }
  fs::path built_in = (places.installed_datadir / kCatalogueUnderDatadir).lexically_normal();
  if (is_dir(built_in)) return {built_in, "the install prefix tlsmatrix was built for"};

  std::string message = "no scenario catalogue found: $" + std::string(kEnv) + " is not set, no ./scenarios here, ";
  if (!places.executable) message += "the executable's own folder is unknown, ";
  if (!tried.empty() && tried.front() != built_in) {
    message += "no " + tried.front().string() + " (beside the executable), ";
  }
  message += "no " + built_in.string() + " (the install prefix); give scenario files or folders, or set " + kEnv;
  throw io::InputError(message);
}

CataloguePlaces this_process_catalogue_places() {
  CataloguePlaces places;
  if (const char* env = std::getenv(kEnv)) places.env = env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && exe.is_absolute()) places.executable = exe;
  places.bin_to_datadir = TLSMATRIX_BIN_TO_DATADIR;
  places.installed_datadir = TLSMATRIX_INSTALL_DATADIR;
  return places;
}

std::string describe(const CatalogueLocation& where) {
  return "catalogue: " + where.path.string() + " (" + where.how + ")";
}

std::string catalogue_lookup_help() {
  const fs::path beside = fs::path("BIN") / TLSMATRIX_BIN_TO_DATADIR / kCatalogueUnderDatadir;
  const fs::path built_in = fs::path(TLSMATRIX_INSTALL_DATADIR) / kCatalogueUnderDatadir;
  return std::string("Without PATH, the scenario catalogue is the first of these that exists:\n") +
         "  1. $" + kEnv + " (a file or folder; set but missing is exit 2)\n" +
         "  2. ./scenarios in the current folder (a checkout)\n" +
         "  3. " + beside.string() + ", BIN being the folder of the tlsmatrix\n" +
         "     binary (the installed catalogue, wherever the install or package went)\n" +
         "  4. " + built_in.string() + " (the prefix it was built for)\n" +
         "The run's first line names it: 'catalogue: PATH (why)'. None found: exit 2.";
}

}  // namespace tlsmatrix::scenario
