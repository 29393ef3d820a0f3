# libwebp (image.compress) as the target WebP::webp: Conan's CMake files (ConanCenter's recipe or
# the Debian wrapper of conan/recipes/libwebp) when there are any, else pkg-config's libwebp (Debian
# ships no CMake files for it). Sets WebP_FOUND. Included by CMakeLists.txt and by the installed
# pixelpipesConfig.cmake (a static libpixelpipes needs its users to find libwebp too).
if(NOT TARGET WebP::webp)
  find_package(WebP QUIET CONFIG)
endif()
if(NOT TARGET WebP::webp)
  find_package(PkgConfig QUIET)
  if(PkgConfig_FOUND)
    pkg_check_modules(PXP_LIBWEBP QUIET IMPORTED_TARGET GLOBAL libwebp)
  endif()
  if(PXP_LIBWEBP_FOUND)
    add_library(WebP::webp INTERFACE IMPORTED GLOBAL)
    target_link_libraries(WebP::webp INTERFACE PkgConfig::PXP_LIBWEBP)
  endif()
endif()
if(TARGET WebP::webp)
  set(WebP_FOUND TRUE)
else()
  set(WebP_FOUND FALSE)
endif()
