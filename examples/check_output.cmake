# Runs PROGRAM and fails unless its standard output is exactly the contents
# of the file EXPECTED.

execute_process(COMMAND "${PROGRAM}" OUTPUT_VARIABLE output RESULT_VARIABLE result
                TIMEOUT 60)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${result}\n${output}")
endif()

file(READ "${EXPECTED}" expected)
if(NOT output STREQUAL expected)
  message(FATAL_ERROR "the output differs from ${EXPECTED}:\n${output}")
endif()
