# Installs a built tree into a prefix and checks it the way a user would: the exported CMake
# package, the pxp_-only symbols of the installed library, test_package/ and examples/cpp/ (both
# C++ consumers of the header-only pixelpipes.hpp) built against the prefix with
# find_package(pixelpipes) and run, and the installed pixelpipes-run. Used by ctest
# (install_consumers) and by `make install-check`.
#
#   cmake -DBUILD_DIR=<built tree> -DPREFIX=<install prefix> -DWORK=<scratch folder>
#         -DSOURCE_DIR=<source tree> [-DGENERATOR=Ninja] [-DBUILD_TYPE=Release]
#         [-DSANITIZER_FLAGS=-fsanitize=...]  (when the library was built with a sanitizer)
#         -P tests/install_check.cmake
foreach(var BUILD_DIR PREFIX WORK SOURCE_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "install_check: -D${var}=... is required")
  endif()
endforeach()
if(NOT BUILD_TYPE)
  set(BUILD_TYPE Release)
endif()
set(generator_args)
if(GENERATOR)
  set(generator_args -G "${GENERATOR}")
endif()

function(run_step name)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "install_check: ${name} failed (${rc}):\n${out}\n${err}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${PREFIX}" "${WORK}/test_package" "${WORK}/example_cpp")
run_step("cmake --install" ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${PREFIX}")

# The package files a plain find_package(pixelpipes) needs.
file(GLOB config_dirs "${PREFIX}/lib*/cmake/pixelpipes" "${PREFIX}/lib/*/cmake/pixelpipes")
if(NOT config_dirs)
  message(FATAL_ERROR "install_check: no lib*/cmake/pixelpipes under ${PREFIX}")
endif()
list(GET config_dirs 0 config_dir)
foreach(f pixelpipesConfig.cmake pixelpipesConfigVersion.cmake pixelpipesTargets.cmake)
  if(NOT EXISTS "${config_dir}/${f}")
    message(FATAL_ERROR "install_check: ${config_dir}/${f} was not installed")
  endif()
endforeach()
foreach(header pixelpipes.h pixelpipes.hpp)
  if(NOT EXISTS "${PREFIX}/include/pixelpipes/${header}")
    message(FATAL_ERROR "install_check: include/pixelpipes/${header} was not installed")
  endif()
endforeach()

# A shared install exports only pxp_ symbols.
get_filename_component(lib_dir "${config_dir}/../.." ABSOLUTE)
file(GLOB shared_libs "${lib_dir}/libpixelpipes.so")
if(shared_libs)
  run_step("exported symbols" ${CMAKE_COMMAND} -DLIB=${shared_libs} -P "${CMAKE_CURRENT_LIST_DIR}/check_exports.cmake")
  message(STATUS "installed ${shared_libs}: only pxp_ symbols exported")
else()
  message(STATUS "static install: no symbol check")
endif()

# Consumers built against the prefix only (no package registry, no build tree).
function(consumer name source)
  set(dir "${WORK}/${name}")
  set(flag_args)
  if(SANITIZER_FLAGS)  # the library was built with a sanitizer: its runtime must come first here too
    set(flag_args "-DCMAKE_C_FLAGS=${SANITIZER_FLAGS}" "-DCMAKE_CXX_FLAGS=${SANITIZER_FLAGS}"
                  "-DCMAKE_EXE_LINKER_FLAGS=${SANITIZER_FLAGS}")
  endif()
  run_step("configure ${name}" ${CMAKE_COMMAND} -S "${source}" -B "${dir}" ${generator_args} ${flag_args}
           -DCMAKE_BUILD_TYPE=${BUILD_TYPE} "-DCMAKE_PREFIX_PATH=${PREFIX}"
           -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON)
  file(STRINGS "${dir}/CMakeCache.txt" found REGEX "^pixelpipes_DIR:")
  message(STATUS "${name}: ${found}")
  run_step("build ${name}" ${CMAKE_COMMAND} --build "${dir}")
endfunction()

consumer(test_package "${SOURCE_DIR}/test_package")
run_step("run test_package" "${WORK}/test_package/test_package" "${SOURCE_DIR}/test_package/sample_index.pxp")
message(STATUS "test_package: ${step_output}")

consumer(example_cpp "${SOURCE_DIR}/examples/cpp")
run_step("run examples/cpp" "${WORK}/example_cpp/stream_batches" "${SOURCE_DIR}/examples/programs/random_numbers.pxp"
         3 8 2 42)
if(NOT step_output MATCHES "batch 2 \\(samples 16\\.\\.23\\)" OR NOT step_output MATCHES "images/s")
  message(FATAL_ERROR "install_check: unexpected examples/cpp output:\n${step_output}")
endif()
message(STATUS "examples/cpp: ${step_output}")

if(EXISTS "${PREFIX}/bin/pixelpipes-run")
  run_step("installed pixelpipes-run" "${PREFIX}/bin/pixelpipes-run" "${SOURCE_DIR}/test_package/sample_index.pxp"
           -n 8 --batch 4)
  message(STATUS "pixelpipes-run: ${step_output}")
endif()
message(STATUS "install check passed: ${PREFIX}")
