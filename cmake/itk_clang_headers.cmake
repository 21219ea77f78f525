# Debian's ITK 5.2 headers were generated for GCC only: itk_compiler_detection.h stops with
# "Unsupported compiler" under clang, which the libFuzzer build (tests/fuzz) needs. Here the
# ITK include directory is mirrored by symlinks in the build tree, with one file replaced: a
# copy of itk_compiler_detection.h whose clang branch declares the C++11/14 features clang 14
# has (all of those the GCC branch lists). Quoted includes resolve next to the including
# file's path, so every ITK header then finds the copy. Nothing outside this build changes.
set(_bd_itk_shim "${CMAKE_BINARY_DIR}/itk-clang-include")
set(_bd_itk_dirs "")
foreach(_dir IN LISTS ITK_INCLUDE_DIRS)
  if(EXISTS "${_dir}/itk_compiler_detection.h")
    file(MAKE_DIRECTORY "${_bd_itk_shim}")
    file(GLOB _entries RELATIVE "${_dir}" "${_dir}/*")
    foreach(_e IN LISTS _entries)
      if(NOT _e STREQUAL "itk_compiler_detection.h" AND NOT EXISTS "${_bd_itk_shim}/${_e}")
        file(CREATE_LINK "${_dir}/${_e}" "${_bd_itk_shim}/${_e}" SYMBOLIC)
      endif()
    endforeach()
    file(READ "${_dir}/itk_compiler_detection.h" _det)
    file(STRINGS "${_dir}/compilers/ITK_COMPILER_INFO_GNU_CXX.h" _features
         REGEX "define ITK_COMPILER_CXX_[A-Z0-9_]+ 1")
    set(_defs "")
    foreach(_f IN LISTS _features)
      string(REGEX REPLACE ".*define (ITK_COMPILER_CXX_[A-Z0-9_]+) 1.*" "#    define \\1 1" _d "${_f}")
      string(APPEND _defs "${_d}\n")
    endforeach()
    list(REMOVE_DUPLICATES _defs)
    string(REPLACE "#    error Unsupported compiler"
           "#  if !defined(__clang__)\n#    error Unsupported compiler\n#  endif\n${_defs}" _det "${_det}")
    file(WRITE "${_bd_itk_shim}/itk_compiler_detection.h" "${_det}")
    list(APPEND _bd_itk_dirs "${_bd_itk_shim}")
  else()
    list(APPEND _bd_itk_dirs "${_dir}")
  endif()
endforeach()
set(ITK_INCLUDE_DIRS ${_bd_itk_dirs})
