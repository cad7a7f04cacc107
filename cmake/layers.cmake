# The layers: one static library per folder, linked as a DAG (docs/design.md, "Layers").
#
#   preflight_layer(NAME DEPS <layers below> [LIBS <public libs>] [PRIVATE_LIBS <libs>]
#                   [THIRD_PARTY <header prefixes this layer alone may include>] [SOURCES <extra>]
#                   [TEST_DEPS <layers above it that its tests may use as well>])
#
# The folder NAME/ holds the layer's sources (every *.cpp but *_test.cpp). What a layer
# may include is what CMake links it with: its own folder, the layers in DEPS and theirs,
# and the third-party headers in THIRD_PARTY. scripts/check-layers.py reads the table
# this writes (build/layers.txt) and fails the build when a file includes anything else
# (a layer above it, or a library that belongs to another layer), and when the layers
# are not a DAG. Layers must be declared bottom-up: DEPS may only name earlier layers.
# The layer's tests (NAME/*_test.cpp) are held to the same, plus TEST_DEPS (the test
# binary links every layer, so these are a declared exception, not a link).
set(PREFLIGHT_LAYER_TABLE "")
set(PREFLIGHT_LAYERS "")
function(preflight_layer name)
  cmake_parse_arguments(L "" "" "DEPS;LIBS;PRIVATE_LIBS;THIRD_PARTY;SOURCES;TEST_DEPS" ${ARGN})
  foreach(dep ${L_DEPS})
    if(NOT dep IN_LIST PREFLIGHT_LAYERS)
      message(FATAL_ERROR "layer ${name}: ${dep} is not a layer declared below it")
    endif()
  endforeach()
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/${name}/*.cpp)
  list(FILTER sources EXCLUDE REGEX "_test\\.cpp$")
  add_library(preflight_${name} STATIC ${sources} ${L_SOURCES})
  target_include_directories(preflight_${name} PUBLIC ${CMAKE_SOURCE_DIR})
  target_compile_definitions(preflight_${name} PUBLIC PREFLIGHT_VERSION="${PROJECT_VERSION}")
  list(TRANSFORM L_DEPS PREPEND preflight_ OUTPUT_VARIABLE dep_targets)
  target_link_libraries(preflight_${name} PUBLIC ${dep_targets} ${L_LIBS} PRIVATE ${L_PRIVATE_LIBS})
  add_dependencies(preflight_${name} preflight_layer_check)
  set(PREFLIGHT_LAYERS ${PREFLIGHT_LAYERS} ${name} PARENT_SCOPE)
  string(REPLACE ";" "," deps "${L_DEPS}")
  string(REPLACE ";" "," third "${L_THIRD_PARTY}")
  string(REPLACE ";" "," test_deps "${L_TEST_DEPS}")
  set(PREFLIGHT_LAYER_TABLE
      "${PREFLIGHT_LAYER_TABLE}${name} deps=${deps} third-party=${third} test-deps=${test_deps}\n" PARENT_SCOPE)
endfunction()

# After the table: write it, and the check every layer's build waits for.
function(preflight_layers_done)
  file(WRITE ${CMAKE_BINARY_DIR}/layers.txt.new "${PREFLIGHT_LAYER_TABLE}")
  configure_file(${CMAKE_BINARY_DIR}/layers.txt.new ${CMAKE_BINARY_DIR}/layers.txt COPYONLY)
  set(globs "")
  foreach(layer ${PREFLIGHT_LAYERS})
    list(APPEND globs ${CMAKE_SOURCE_DIR}/${layer}/*.cpp ${CMAKE_SOURCE_DIR}/${layer}/*.hpp
         ${CMAKE_SOURCE_DIR}/${layer}/*.inc)
  endforeach()
  file(GLOB layer_files CONFIGURE_DEPENDS ${globs} ${CMAKE_SOURCE_DIR}/tests/*.hpp)
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/layers.stamp
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/scripts/check-layers.py --table ${CMAKE_BINARY_DIR}/layers.txt
            --root ${CMAKE_SOURCE_DIR}
    COMMAND ${CMAKE_COMMAND} -E touch ${CMAKE_BINARY_DIR}/layers.stamp
    DEPENDS ${layer_files} ${CMAKE_BINARY_DIR}/layers.txt ${CMAKE_SOURCE_DIR}/scripts/check-layers.py
    COMMENT "layers: no file includes a layer above its own")
  add_custom_target(preflight_layer_check_run DEPENDS ${CMAKE_BINARY_DIR}/layers.stamp)
  add_dependencies(preflight_layer_check preflight_layer_check_run)
endfunction()
