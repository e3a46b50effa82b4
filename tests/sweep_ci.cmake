# The strided accuracy sweep in ctest: every 31st fp32 pattern (139 million) plus all special
# values and the dense windows around the tails, on every supported path. About 85 CPU
# seconds in a Release build (0.6 us per input for 11 kinds x params, 5 directions, 4 paths),
# so under 1.5 minutes on 2 cores. Labelled slow: the sanitizer build runs `ctest -LE slow`.
# `make sweep-full` runs --stride 1 (all 2^32 inputs).
add_test(NAME sweep_strided COMMAND activ_sweep --stride 31)
set_tests_properties(sweep_strided PROPERTIES LABELS slow TIMEOUT 900)

# Every binary16 and bfloat16 input (65536 each) for every kind, direction and path against
# the oracle (tests/sweep_half.c): a few seconds, so it runs in the sanitizer build too.
add_test(NAME sweep_half COMMAND activ_sweep --half)
set_tests_properties(sweep_half PROPERTIES TIMEOUT 600)
