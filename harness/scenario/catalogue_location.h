// Where `tlsmatrix run` finds the scenario catalogue when it is given no PATH, so that the same
// command works in a checkout and after `cmake --install` or the .deb. The first that exists wins:
//   1. $TLSMATRIX_SCENARIOS (set but missing is an error: an explicit choice is never skipped)
//   2. ./scenarios in the current folder (a checkout)
//   3. BIN/../share/tlsmatrix/scenarios beside the running executable (any install prefix,
//      including a package unpacked somewhere else)
//   4. the compiled-in install prefix's share/tlsmatrix/scenarios
// Nothing found is an InputError naming every place tried.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace tlsmatrix::scenario {

// What the lookup looks at; filled from the process by this_process_catalogue_places(), or by a
// test.
struct CataloguePlaces {
  std::optional<std::string> env;                    // $TLSMATRIX_SCENARIOS; empty counts as unset
  std::filesystem::path working_dir;                 // where ./scenarios is looked for
  std::optional<std::filesystem::path> executable;   // the running binary, symlinks resolved
  std::filesystem::path bin_to_datadir;              // e.g. "../share": bin folder -> datadir
  std::filesystem::path installed_datadir;           // e.g. "/usr/local/share"
};

struct CatalogueLocation {
  std::filesystem::path path;
  std::string how;  // why this one, for the "catalogue: PATH (HOW)" line
};

CatalogueLocation locate_catalogue(const CataloguePlaces& places);

CataloguePlaces this_process_catalogue_places();

// "catalogue: PATH (HOW)"
std::string describe(const CatalogueLocation& where);

// The lookup order in words, with this build's own paths, for `run --help`.
std::string catalogue_lookup_help();

}  // namespace tlsmatrix::scenario
