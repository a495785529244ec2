# Thin wrapper around meson: every target first installs what is missing.
#   make demo   build and run the VMM demo under uiommufd-run
#   make check  build twice (normal, ASan+UBSan) and run every suite
#   make bench  run the benchmarks, write bench/out/{results.json,scaling.svg}
#   make fuzz   run the fuzzers (FUZZ_SECONDS per target, default 600)
BUILD ?= build

.PHONY: all deps demo check bench fuzz clean

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

deps:
	@./scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	meson setup $(BUILD)

demo: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)
	$(BUILD)/tools/uiommufd-run -- $(BUILD)/examples/vmm-demo

check: deps
	./scripts/check.sh

bench: deps
	meson setup build-release --buildtype=release -Dtests=false >/dev/null 2>&1 || true
	ninja -C build-release
	./scripts/bench.sh build-release

fuzz: deps
	./scripts/fuzz.sh $${FUZZ_SECONDS:-600}

clean:
	rm -rf build build-asan build-tsan build-release build-fuzz
