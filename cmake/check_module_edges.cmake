# Fails when a module includes a header of a module it does not declare (cmake/modules.cmake).
#
#   cmake -DROOT=<source tree> -DMANIFEST=<file> -P cmake/check_module_edges.cmake
#
# MANIFEST has one line per module, NAME|FOLDER|DEPS (DEPS space-separated module names), as the
# build writes it to build/module_edges.txt. Every .h and .cpp file directly in a module's FOLDER
# is read; each #include "harness/..." or "reports/..." must name a file in the module's own
# folder or in the folder of a module it declares. Any .h or .cpp under harness/ or reports/
# outside every module's folder is an error too, so new code cannot slip past the check.
# The declared dependencies must not form a cycle. Each offence is one line, e.g.
#   harness/x509/foo.cpp:12: x509 may not include runner (declared deps: ossl io)
# and the exit status is 1. Plain CMake, so the build needs nothing else.

cmake_minimum_required(VERSION 3.22)

if(NOT DEFINED ROOT OR NOT DEFINED MANIFEST)
  message(FATAL_ERROR "usage: cmake -DROOT=<source tree> -DMANIFEST=<file> -P check_module_edges.cmake")
endif()
if(NOT EXISTS "${MANIFEST}")
  message(FATAL_ERROR "${MANIFEST}: no such manifest")
endif()

file(STRINGS "${MANIFEST}" manifest_lines)
set(modules "")
set(folders "")
foreach(line IN LISTS manifest_lines)
  if(line STREQUAL "")
    continue()
  endif()
  if(NOT line MATCHES "^([A-Za-z0-9_]+)\\|([^|]+)\\|([A-Za-z0-9_ ]*)$")
    message(FATAL_ERROR "${MANIFEST}: not NAME|FOLDER|DEPS: ${line}")
  endif()
  set(name "${CMAKE_MATCH_1}")
  set(folder "${CMAKE_MATCH_2}")
  string(STRIP "${CMAKE_MATCH_3}" deps_text)
  string(REGEX REPLACE " +" ";" deps "${deps_text}")
  list(APPEND modules ${name})
  list(APPEND folders ${folder})
  set(FOLDER_OF_${name} "${folder}")
  set(DEPS_OF_${name} "${deps}")
  string(MAKE_C_IDENTIFIER "${folder}" key)
  set(MODULE_AT_${key} ${name})
endforeach()

set(errors "")

# A declared dependency must be a module.
foreach(name IN LISTS modules)
  foreach(dep IN LISTS DEPS_OF_${name})
    if(NOT dep IN_LIST modules)
      list(APPEND errors "${MANIFEST}: ${name} declares ${dep}, which is no module")
    endif()
  endforeach()
endforeach()

# Edges point one way: peel off modules whose dependencies are all peeled off; what is left
# holds a cycle, and one is named.
set(left ${modules})
while(left)
  set(peeled "")
  foreach(name IN LISTS left)
    set(ready TRUE)
    foreach(dep IN LISTS DEPS_OF_${name})
      if(NOT dep STREQUAL name AND dep IN_LIST left)
        set(ready FALSE)
        break()
      endif()
    endforeach()
    if(ready)
      list(APPEND peeled ${name})
    endif()
  endforeach()
  if(NOT peeled)
    # Every module left has a dependency left: walk them until one repeats.
    list(GET left 0 at)
    set(path "")
    while(NOT at IN_LIST path)
      list(APPEND path ${at})
      foreach(dep IN LISTS DEPS_OF_${at})
        if(NOT dep STREQUAL at AND dep IN_LIST left)
          set(at ${dep})
          break()
        endif()
      endforeach()
    endwhile()
    list(FIND path ${at} first)
    list(SUBLIST path ${first} -1 cycle)
    list(APPEND cycle ${at})
    string(REPLACE ";" " -> " cycle_text "${cycle}")
    list(APPEND errors "${MANIFEST}: modules depend on each other: ${cycle_text}")
    break()
  endif()
  list(REMOVE_ITEM left ${peeled})
endwhile()

# Code outside every module's folder.
file(GLOB_RECURSE all_sources RELATIVE "${ROOT}"
     "${ROOT}/harness/*.h" "${ROOT}/harness/*.cpp" "${ROOT}/reports/*.h" "${ROOT}/reports/*.cpp")
foreach(file IN LISTS all_sources)
  get_filename_component(dir "${file}" DIRECTORY)
  if(NOT dir IN_LIST folders)
    list(APPEND errors "${file}: in no module's folder (declare its folder with tlsmatrix_module)")
  endif()
endforeach()

foreach(name IN LISTS modules)
  set(folder "${FOLDER_OF_${name}}")
  set(allowed ${name} ${DEPS_OF_${name}})
  if(DEPS_OF_${name})
    string(REPLACE ";" " " declared "${DEPS_OF_${name}}")
  else()
    set(declared "none")
  endif()
  file(GLOB files RELATIVE "${ROOT}" "${ROOT}/${folder}/*.h" "${ROOT}/${folder}/*.cpp")
  list(SORT files)
  foreach(file IN LISTS files)
    file(READ "${ROOT}/${file}" text)
    if(NOT text MATCHES "#[ \t]*include[ \t]*\"(harness|reports)/")
      continue()
    endif()
    # One list element per line: characters CMake's list syntax gives a meaning go first.
    string(REPLACE "\\" "/" text "${text}")
    string(REPLACE ";" "," text "${text}")
    string(REPLACE "[" "(" text "${text}")
    string(REPLACE "]" ")" text "${text}")
    string(REPLACE "\n" ";" lines "${text}")
    set(number 0)
    foreach(line IN LISTS lines)
      math(EXPR number "${number} + 1")
      if(NOT line MATCHES "^[ \t]*#[ \t]*include[ \t]*\"((harness|reports)/[^\"]*)\"")
        continue()
      endif()
      set(included "${CMAKE_MATCH_1}")
      get_filename_component(included_dir "${included}" DIRECTORY)
      string(MAKE_C_IDENTIFIER "${included_dir}" key)
      if(NOT DEFINED MODULE_AT_${key})
        list(APPEND errors "${file}:${number}: ${name} includes ${included}, which is in no module")
        continue()
      endif()
      set(target_module ${MODULE_AT_${key}})
      if(NOT target_module IN_LIST allowed)
        list(APPEND errors
             "${file}:${number}: ${name} may not include ${target_module} (declared deps: ${declared})")
      endif()
    endforeach()
  endforeach()
endforeach()

if(errors)
  foreach(e IN LISTS errors)
    message(NOTICE "${e}")
  endforeach()
  list(LENGTH errors count)
  message(FATAL_ERROR "${count} module edge error(s): a module includes only the modules it "
                      "declares (its DEPS in harness/CMakeLists.txt, reports/CMakeLists.txt, "
                      "harness/cli/CMakeLists.txt), and those point one way; declare an edge "
                      "there only if it belongs in the architecture")
endif()
