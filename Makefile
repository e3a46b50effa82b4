# Top-level driver: everything builds into build/ through CMake.
#   make             build the library, the CLI, the tests and the examples
#   make tour        the main job: a tour of the library (build/activ tour)
#   make cnn         the reference CNN on Fashion-MNIST, 15 epochs (issue 14; minutes)
#   make test        all tests (ctest), then the same tests again under ASan+UBSan, then the
#                    threading tests under TSan (test-tsan) and a short fuzz smoke (fuzz-smoke)
#   make fuzz        each libFuzzer target for FUZZ_TIME seconds (default 600; tests/fuzz)
#   make sweep-full  the accuracy sweep over all 2^32 fp32 inputs, every function and path
#   make bench       the performance table (bench/perf_table.sh)
#   make docs        API documentation from the headers (Doxygen, into build/docs)
#   make install     install into PREFIX (default /usr/local)
BUILD    ?= build
SANBUILD ?= build-san
PREFIX   ?= /usr/local
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

TSANBUILD ?= build-tsan
FUZZBUILD ?= build-fuzz
FUZZ_TIME ?= 600
FUZZ_SMOKE_TIME ?= 30

.PHONY: all configure test test-fast test-san test-tsan fuzz fuzz-build fuzz-smoke tour sweep-full bench docs install clean deps cnn

all: configure
	cmake --build $(BUILD) -j $(JOBS)

configure:
	@test -f $(BUILD)/CMakeCache.txt || scripts/install-deps.sh
	@test -f $(BUILD)/CMakeCache.txt || cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS)

deps:
	scripts/install-deps.sh

tour: all
	./$(BUILD)/activ tour

CNN_SPEC = conv64k3p1-bn-relu-pool2-dropout0.25,conv128k3p1-bn-relu-pool2-dropout0.25,flatten,dense128-bn-relu-dropout0.5,dense10
cnn: all
	./$(BUILD)/activ train --model $(CNN_SPEC) --epochs 15 --batch 128 --lr 1e-3 --optimizer adam --seed 1

test: test-fast test-san test-tsan fuzz-smoke

test-fast: all
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-san: configure
	@test -f $(SANBUILD)/CMakeCache.txt || cmake -S . -B $(SANBUILD) -DCMAKE_BUILD_TYPE=Debug -DACTIV_SANITIZE=ON -DACTIV_CUDA=OFF $(CMAKE_FLAGS)
	cmake --build $(SANBUILD) -j $(JOBS)
	cd $(SANBUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS) -LE slow

# ThreadSanitizer: only the threading tests are built and run (test_threads, test_thread_stress).
test-tsan: configure
	@test -f $(TSANBUILD)/CMakeCache.txt || cmake -S . -B $(TSANBUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DACTIV_SANITIZE=thread -DACTIV_CUDA=OFF $(CMAKE_FLAGS)
	cmake --build $(TSANBUILD) -j $(JOBS) --target test_threads test_thread_stress
	cd $(TSANBUILD) && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ctest --output-on-failure -R '^test_thread'

# libFuzzer targets (tests/fuzz), built with clang into $(FUZZBUILD).
fuzz-build: configure
	@test -f $(FUZZBUILD)/CMakeCache.txt || CC=clang cmake -S . -B $(FUZZBUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DACTIV_FUZZ=ON -DACTIV_CUDA=OFF $(CMAKE_FLAGS)
	cmake --build $(FUZZBUILD) -j $(JOBS) --target fuzz_npy fuzz_idx fuzz_safetensors fuzz_spec

fuzz-smoke: fuzz-build
	tests/fuzz/run.sh $(FUZZBUILD) $(FUZZ_SMOKE_TIME) smoke

fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZBUILD) $(FUZZ_TIME) long

sweep-full: all
	./$(BUILD)/activ_sweep --stride 1

bench: all
	bench/perf_table.sh

docs:
	@mkdir -p $(BUILD)/docs
	( cat docs/Doxyfile; echo "OUTPUT_DIRECTORY = $(BUILD)/docs" ) | doxygen -
	@echo "API docs: $(BUILD)/docs/html/index.html"

install: all
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(SANBUILD) $(TSANBUILD) $(FUZZBUILD)
