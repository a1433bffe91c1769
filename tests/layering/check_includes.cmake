# Layering check: every project include ("<top-level folder>/...") of a file under a layer's
# folder must start with one of the prefixes that layer may include (docs/architecture.md,
# "Module map"). Run by ctest as `cmake -DSOURCE_DIR=<repo> -P check_includes.cmake`; fails
# naming each file and include that breaks the chain, so a backwards edge cannot come back.

cmake_minimum_required(VERSION 3.20)

# Folders whose first path component marks an include as the project's own.
set(project_roots api metrics store drivers controller reconcilers client cli)

# "layer folder|allowed include prefixes, comma-separated" (the most specific folder of a file decides).
set(layers
  "api|api/"
  "metrics|metrics/"
  "store|api/,metrics/,store/"
  "drivers|api/,metrics/,drivers/"
  "reconcilers|api/,metrics/,store/,drivers/,controller/runtime/,reconcilers/"
  "reconcilers/lab|api/,metrics/,store/,controller/runtime/,reconcilers/lab/")

if(NOT SOURCE_DIR)
  message(FATAL_ERROR "pass -DSOURCE_DIR=<repository root>")
endif()

# The layer of a file: the longest layer folder it lives under.
function(layer_of file out_folder out_allowed)
  set(best "")
  set(best_allowed "")
  foreach(layer IN LISTS layers)
    string(REPLACE "|" ";" parts "${layer}")
    string(REPLACE "," ";" parts "${parts}")
    list(GET parts 0 folder)
    list(SUBLIST parts 1 -1 allowed)
    string(LENGTH "${folder}" len)
    string(LENGTH "${best}" best_len)
    if(file MATCHES "^${folder}/" AND len GREATER best_len)
      set(best "${folder}")
      set(best_allowed "${allowed}")
    endif()
  endforeach()
  set(${out_folder} "${best}" PARENT_SCOPE)
  set(${out_allowed} "${best_allowed}" PARENT_SCOPE)
endfunction()

set(violations "")
set(checked 0)
foreach(root api metrics store drivers reconcilers)
  file(GLOB_RECURSE files RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/${root}/*.h"
       "${SOURCE_DIR}/${root}/*.cpp")
  foreach(file IN LISTS files)
    math(EXPR checked "${checked} + 1")
    layer_of("${file}" folder allowed)
    file(STRINGS "${SOURCE_DIR}/${file}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
    foreach(line IN LISTS includes)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]*)\".*" "\\1" path "${line}")
      string(REGEX REPLACE "/.*" "" top "${path}")
      if(NOT top IN_LIST project_roots OR NOT path MATCHES "/")
        continue()
      endif()
      set(ok FALSE)
      foreach(prefix IN LISTS allowed)
        string(FIND "${path}" "${prefix}" at)
        if(at EQUAL 0)
          set(ok TRUE)
        endif()
      endforeach()
      if(NOT ok)
        string(APPEND violations "\n  ${file} includes ${path} (${folder}/ may include: ${allowed})")
      endif()
    endforeach()
  endforeach()
endforeach()

if(checked LESS 10)
  message(FATAL_ERROR "layering: only ${checked} files found under ${SOURCE_DIR}")
endif()
if(violations)
  message(FATAL_ERROR "layering: includes against the module map:${violations}")
endif()
message(STATUS "layering: ${checked} files follow the module map")
