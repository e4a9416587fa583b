# Warning and sanitizer flags shared by every native target.

if(LODEDB_SANITIZE AND CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
  # Directory-wide so the library, the tests and the bench are all instrumented alike.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

function(lodedb_apply_compiler_flags target)
  if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE
      -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
      -Wstrict-prototypes -Wmissing-prototypes -Werror=implicit-function-declaration
      -Werror=vla
      # The rotation must give the same bits on every platform: forbid FP contraction.
      -ffp-contract=off)
  endif()
endfunction()
