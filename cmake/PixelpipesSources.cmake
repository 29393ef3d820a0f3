# Every library source. Ops register through src/ops/all_ops.cpp, never static initializers.
file(GLOB_RECURSE PIXELPIPES_SOURCES CONFIGURE_DEPENDS
  ${CMAKE_CURRENT_LIST_DIR}/../src/core/*.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../src/registry/*.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../src/program/*.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../src/exec/*.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../src/kernels/*.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../src/ops/*.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../src/capi/*.cpp)
