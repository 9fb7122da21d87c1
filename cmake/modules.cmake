# One CMake target per source folder ("module"), each naming the modules it may use, and a
# build-time check that the code keeps to those names.
#
#   tlsmatrix_module(NAME FOLDER SOURCES ... DEPS ... [LIBS ...] [EXECUTABLE])
#
# builds FOLDER's SOURCES as tlsmatrix_NAME (a static library, or the `tlsmatrix` binary with
# EXECUTABLE), links the modules in DEPS (by NAME) and the third-party LIBS. Linking alone does
# not keep a module off another's headers (every header is reached from the project root), so
# cmake/check_module_edges.cmake reads every #include "harness/..." and "reports/..." line of
# each module's folder and fails the build on one that reaches a module not in its DEPS.

set_property(GLOBAL PROPERTY TLSMATRIX_MODULES "")

function(tlsmatrix_module name)
  cmake_parse_arguments(PARSE_ARGV 1 M "EXECUTABLE" "FOLDER" "SOURCES;DEPS;LIBS")
  if(NOT M_FOLDER OR NOT M_SOURCES)
    message(FATAL_ERROR "tlsmatrix_module(${name}): FOLDER and SOURCES are required")
  endif()
  list(TRANSFORM M_SOURCES PREPEND "${PROJECT_SOURCE_DIR}/${M_FOLDER}/")
  if(M_EXECUTABLE)
    set(target tlsmatrix)
    add_executable(${target} ${M_SOURCES})
    set(scope PRIVATE)
  else()
    set(target tlsmatrix_${name})
    add_library(${target} STATIC ${M_SOURCES})
    set(scope PUBLIC)
  endif()
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(${target} PRIVATE ${TLSMATRIX_WARNINGS})
  target_compile_definitions(${target} PRIVATE TLSMATRIX_VERSION="${PROJECT_VERSION}")
  foreach(dep IN LISTS M_DEPS)
    target_link_libraries(${target} ${scope} tlsmatrix_${dep})
  endforeach()
  if(M_LIBS)
    target_link_libraries(${target} ${scope} ${M_LIBS})
  endif()
  # Nothing compiles before the edges are checked.
  add_dependencies(${target} tlsmatrix_module_edges)
  string(REPLACE ";" " " deps_text "${M_DEPS}")
  set_property(GLOBAL APPEND PROPERTY TLSMATRIX_MODULES "${name}|${M_FOLDER}|${deps_text}")
  set_property(GLOBAL PROPERTY TLSMATRIX_MODULE_TARGET_${name} ${target})
endfunction()

# Call once, after every module is declared: writes the manifest (one line per module:
# NAME|FOLDER|DEPS) and the check every module waits for. The check runs again whenever a
# source file of harness/ or reports/ changes.
function(tlsmatrix_module_edge_check)
  get_property(modules GLOBAL PROPERTY TLSMATRIX_MODULES)
  set(manifest "${CMAKE_BINARY_DIR}/module_edges.txt")
  string(REPLACE ";" "\n" manifest_text "${modules}")
  file(CONFIGURE OUTPUT "${manifest}" CONTENT "${manifest_text}\n")
  file(GLOB_RECURSE checked CONFIGURE_DEPENDS
       "${PROJECT_SOURCE_DIR}/harness/*.h" "${PROJECT_SOURCE_DIR}/harness/*.cpp"
       "${PROJECT_SOURCE_DIR}/reports/*.h" "${PROJECT_SOURCE_DIR}/reports/*.cpp")
  set(stamp "${CMAKE_BINARY_DIR}/module_edges.ok")
  add_custom_command(
    OUTPUT "${stamp}"
    COMMAND ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR} -DMANIFEST=${manifest}
            -P ${PROJECT_SOURCE_DIR}/cmake/check_module_edges.cmake
    COMMAND ${CMAKE_COMMAND} -E touch "${stamp}"
    DEPENDS ${checked} "${manifest}" "${PROJECT_SOURCE_DIR}/cmake/check_module_edges.cmake"
    COMMENT "Checking module edges (cmake/check_module_edges.cmake)"
    VERBATIM)
  add_custom_target(tlsmatrix_module_edges DEPENDS "${stamp}")
endfunction()
