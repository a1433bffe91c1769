# Helpers so that each directory's CMakeLists stays a few lines and new files need no edits.

# labctl_library(NAME DEPS a b ...): a static library of every *.cpp in the current directory
# (an INTERFACE library while the directory has none yet).
function(labctl_library name)
  cmake_parse_arguments(A "" "" "DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(srcs)
    add_library(${name} STATIC ${srcs})
    target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} PUBLIC ${A_DEPS})
  else()
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} INTERFACE ${A_DEPS})
  endif()
endfunction()

include(GoogleTest)

# labctl_tests(NAME LABELS l1 l2 DEPS a b [SERIAL] [TIMEOUT s]): one gtest binary from every
# *.cpp in the current directory; each TEST becomes a ctest test with those labels. SERIAL tests
# share the "dockerd" resource lock so they never overlap each other. Every test requires the
# host_hygiene fixture (tests/host_hygiene.sh).
function(labctl_tests name)
  cmake_parse_arguments(A "SERIAL" "TIMEOUT" "LABELS;DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(NOT srcs)
    return()
  endif()
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 120)
  endif()
  add_executable(${name} ${srcs})
  target_link_libraries(${name} PRIVATE ${A_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/tests)
  # Test code itself needs no heavy optimisation (the code under test is built -O2): -O1 compiles
  # a third faster. Tests build options with designated initializers that leave the other members
  # to their defaults ({.extra_args = {...}}), which GCC 12 reports as missing initializers: off
  # for tests on purpose, on for everything else (where it is fixed, not hidden).
  target_compile_options(${name} PRIVATE -O1 -Wno-missing-field-initializers)
  target_compile_definitions(${name} PRIVATE
    LABCTL_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    LABCTL_BINARY_DIR="${PROJECT_BINARY_DIR}")
  if(TARGET labd)
    add_dependencies(${name} labd labctl)
  endif()
  # The properties are set by a ctest include file of our own, read after the discovered tests
  # (which list their names in ${name}_TESTS): gtest_discover_tests(PROPERTIES) loses the
  # separator of a list value, so a second label would be read as a property name and every
  # property after it dropped. Skipped only when the test says so through LABCTL_SKIP
  # (tests/support/test_skip.h): gtest also prints [  SKIPPED ] for tests whose SetUpTestSuite
  # failed, and those must fail, so tests/gtest_run.sh renames that tag (canary:
  # tests/canary). Every test runs between the host hygiene record and check (tests/CMakeLists.txt).
  set(lock "")
  if(A_SERIAL)
    set(lock "RESOURCE_LOCK dockerd")
  endif()
  set_target_properties(${name} PROPERTIES
    CROSSCOMPILING_EMULATOR "${PROJECT_SOURCE_DIR}/tests/gtest_run.sh")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 TEST_LIST ${name}_TESTS)
  set(props_file ${CMAKE_CURRENT_BINARY_DIR}/${name}_properties.cmake)
  # A binary that is not built yet has one test ${name}_NOT_BUILT (failing): labelled too, so
  # `ctest -L` shows it.
  file(WRITE ${props_file}
    "if(${name}_TESTS)\n"
    "  set_tests_properties(\${${name}_TESTS} PROPERTIES LABELS \"${A_LABELS}\"\n"
    "    TIMEOUT ${A_TIMEOUT} SKIP_REGULAR_EXPRESSION LABCTL_SKIPPED\n"
    "    FIXTURES_REQUIRED host_hygiene ${lock})\n"
    "elseif(NOT DEFINED ${name}_TESTS)\n"
    "  set_tests_properties(${name}_NOT_BUILT PROPERTIES LABELS \"${A_LABELS}\")\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${props_file})
endfunction()

# labctl_embed_files(TARGET SYMBOL BASE_DIR dir FILES f1 f2 ...): compiles the files into TARGET
# at build time (no runtime file access): `std::span<const EmbeddedFile> SYMBOL()` lists them by
# their path relative to BASE_DIR (controller/server/embedded_files.h). Editing a file rebuilds.
function(labctl_embed_files target symbol)
  cmake_parse_arguments(A "" "BASE_DIR" "FILES" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${symbol}.cpp)
  string(REPLACE ";" "|" files "${A_FILES}")
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${out} -DSYMBOL=${symbol} -DBASE_DIR=${A_BASE_DIR}
            -DFILES=${files} -P ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${A_FILES} ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    COMMENT "Embedding ${symbol} (${A_BASE_DIR})" VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
