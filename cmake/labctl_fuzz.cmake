# LABCTL_FUZZ=ON: a build of only the libFuzzer targets (tests/fuzz) and the libraries they
# need, every translation unit instrumented for libFuzzer, ASan and UBSan. Needs clang (Debian's
# clang and libclang-rt-dev); use its own build directory (scripts/fuzz: build-fuzz/).
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "LABCTL_FUZZ needs clang: configure with CC=clang CXX=clang++")
endif()
# UBSan findings abort (and so count as crashes); line tables are enough for symbolized stacks.
set(fuzz_flags -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
               -fno-omit-frame-pointer -gline-tables-only)
add_compile_options(${fuzz_flags})
add_link_options(-fsanitize=address,undefined)
set(CMAKE_CXX_FLAGS_RELWITHDEBINFO "-O1")
# Most of the build's time is nlohmann::json's templates, instantiated once per translation
# unit: compiling each library's sources in batches keeps CI's build of the targets short.
set(CMAKE_UNITY_BUILD ON)
set(CMAKE_UNITY_BUILD_BATCH_SIZE 12)
set(CMAKE_C_FLAGS_RELWITHDEBINFO "-O1")

add_subdirectory(api)
add_subdirectory(cli/util)
add_subdirectory(tests/fuzz)
