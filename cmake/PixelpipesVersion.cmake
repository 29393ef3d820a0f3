# PIXELPIPES_VERSION from include/pixelpipes/common.h, the one place where the version is written
# (PXP_VERSION_STRING, and MAJOR/MINOR/PATCH, which must agree with it: checked here).
file(STRINGS "${CMAKE_CURRENT_LIST_DIR}/../include/pixelpipes/common.h" _pxp_version_lines
     REGEX "^#define PXP_VERSION_(MAJOR|MINOR|PATCH|STRING) ")
foreach(_line IN LISTS _pxp_version_lines)
  if(_line MATCHES "^#define PXP_VERSION_STRING \"([0-9]+\\.[0-9]+\\.[0-9]+)\"")
    set(PIXELPIPES_VERSION "${CMAKE_MATCH_1}")
  elseif(_line MATCHES "^#define PXP_VERSION_(MAJOR|MINOR|PATCH) ([0-9]+)")
    set(_pxp_${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
  endif()
endforeach()
if(NOT PIXELPIPES_VERSION OR NOT PIXELPIPES_VERSION STREQUAL "${_pxp_MAJOR}.${_pxp_MINOR}.${_pxp_PATCH}")
  message(FATAL_ERROR "include/pixelpipes/common.h: PXP_VERSION_STRING (${PIXELPIPES_VERSION}) does not match "
                      "PXP_VERSION_MAJOR/MINOR/PATCH (${_pxp_MAJOR}.${_pxp_MINOR}.${_pxp_PATCH})")
endif()
