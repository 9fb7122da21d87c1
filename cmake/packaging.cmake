# What `cmake --install` puts where (GNUInstallDirs), and the Debian package `cpack -G DEB` makes
# of it. The binary's own rule is in harness/cli/, the man page and docs in docs/.
#
#   bin/tlsmatrix
#   share/tlsmatrix/scenarios/       the catalogue `tlsmatrix run` finds without a PATH
#   share/tlsmatrix/clients/         the real clients `run --real-clients` runs (tests/interop/clients)
#   share/man/man1/tlsmatrix.1.gz    generated from the binary's --help (docs/man/)
#   share/doc/tlsmatrix/             README.md and docs/

install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/tlsmatrix/scenarios)
# Sources only (the Go client is built by `run --real-clients` when `go` is there); each needs
# its stack at run time, none is a dependency of the package.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/tests/interop/clients/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/tlsmatrix/clients
        PATTERN "README*" EXCLUDE)

if(TLSMATRIX_SANITIZE OR TLSMATRIX_FUZZ)
  message(STATUS "packaging: this is a sanitizer/fuzz build; do not ship its cpack output")
endif()

set(CPACK_PACKAGE_NAME tlsmatrix)
set(CPACK_PACKAGE_VENDOR "tlsmatrix developers")
set(CPACK_PACKAGE_CONTACT "tlsmatrix developers <dev@tlsmatrix.local>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "TLS handshake conformance harness for gRPC services secured like Milvus")
set(CPACK_PACKAGE_DESCRIPTION
    "Generates certificate sets, runs real gRPC servers and clients on loopback for every
scenario x tlsMode (0, 1, 2) x client profile (grpc-core, go, node), and checks each
outcome and its reason against the scenario's expectation. Also checks a deployment's
files (validate), a live endpoint (probe), serves a Milvus-like test server (serve) and
measures handshake throughput (bench). The scenario catalogue is in
/usr/share/tlsmatrix/scenarios.")
# Debian packages install under /usr, whatever prefix the build tree was configured with; the
# binary finds its catalogue relative to itself, so both work.
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # tlsmatrix_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# gzip: dpkg reads it everywhere and it packs in a fraction of xz's time.
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)
# Depends from the libraries the binary really links (libgrpc++1.51, libssl3, libyaml-cpp0.7, ...).
find_program(TLSMATRIX_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(TLSMATRIX_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  message(STATUS "packaging: dpkg-shlibdeps not found (Debian package dpkg-dev); a .deb made by "
                 "cpack now would have no Depends line")
endif()
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git" "/build[^/]*/" "/__pycache__/")

include(CPack)
