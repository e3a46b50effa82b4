# The strided accuracy sweep in ctest: every 47th fp32 pattern (91 million) plus all special
# values and the dense windows around the tails, on every supported path, for every kind of
# the manifest (default parameters plus the extra cases in sweep.c). Measured with 16 kinds
# (24 cases): 18.8 CPU seconds at --stride 311 (15.1M inputs), so about 115 CPU seconds at 47,
# about 1 minute on 2 cores (the 7 original kinds alone took 9.3 s at 311, ~85 s at 31).
# With gelu, gelu_tanh, softplus, mish, logsigmoid added (21 kinds, 31 cases): 29.7 CPU
# seconds at --stride 311 (16.2M inputs), so about 170 CPU seconds at 47, ~1.5 minutes on 2
# cores (measured on the shared AMD EPYC dev box).
# Labelled slow: the sanitizer build runs `ctest -LE slow`.
# `make sweep-full` runs --stride 1 (all 2^32 inputs).
add_test(NAME sweep_strided COMMAND activ_sweep --stride 47)
set_tests_properties(sweep_strided PROPERTIES LABELS slow TIMEOUT 900)

# Every binary16 and bfloat16 input (65536 each) for every kind, direction and path against
# the oracle (tests/sweep_half.c): a few seconds, so it runs in the sanitizer build too.
add_test(NAME sweep_half COMMAND activ_sweep --half)
set_tests_properties(sweep_half PROPERTIES TIMEOUT 600)
