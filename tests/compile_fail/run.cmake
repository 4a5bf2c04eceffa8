# Compiles SOURCE, a program with one mistake, and checks that the compiler
# rejects it with exactly one error, the one whose text the source's
# "// expect:" line gives.
#
# -DCOMPILER=... -DSOURCE=... -DINCLUDES="dir|dir"

file(STRINGS "${SOURCE}" expect_line REGEX "^// expect: ")
string(REGEX REPLACE "^// expect: " "" expected "${expect_line}")

string(REPLACE "|" ";" include_dirs "${INCLUDES}")
set(include_flags)
foreach(dir IN LISTS include_dirs)
  list(APPEND include_flags "-I${dir}")
endforeach()

execute_process(
  COMMAND "${COMPILER}" -std=c++20 -fsyntax-only ${include_flags} "${SOURCE}"
  RESULT_VARIABLE result
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)

if(result EQUAL 0)
  message(FATAL_ERROR "compile_fail: ${SOURCE} compiled, but it must not")
endif()
string(FIND "${out}" "${expected}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "compile_fail: the error does not say \"${expected}\":\n${out}")
endif()
string(REGEX MATCHALL "error: " errors "${out}")
list(LENGTH errors error_count)
if(NOT error_count EQUAL 1)
  message(FATAL_ERROR "compile_fail: ${error_count} errors instead of one:\n${out}")
endif()
