# Makefile - builds, boots and tests sublet. `make help` lists the targets.
#
# The kernel is every .c and .S file under boot/, arch/x86_64/, kernel/, mm/, sched/,
# tests/ and tests/bench/, compiled freestanding and linked by linker.ld. Every kernel
# carries its self-tests and benchmarks; the command line chooses (`ktest`, `bench`). The symbol table the kernel
# carries for its backtraces is made by linking twice (see "kallsyms" below).

CROSS_COMPILE ?=
ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif
LD := $(CROSS_COMPILE)ld
NM := $(CROSS_COMPILE)nm
OBJDUMP := $(CROSS_COMPILE)objdump
PYTHON ?= python3
QEMU ?= qemu-system-x86_64

# Run-time knobs (see README.md).
SMP ?= 1
# make test boots two CPUs unless SMP is given, so that the SMP code is always tested;
# run, debug and bench keep one, the machine the docs' transcripts show (docs/smp.md).
TEST_SMP := $(if $(filter command line environment override,$(origin SMP)),$(SMP),2)
MEM ?= 256M
FIRMWARE ?= bios
KTEST ?=
QEMU_EXTRA ?=
CMDLINE ?=
TIMEOUT ?= 600
SOAK ?= 10000

# Three flavours of the same code, each with its own objects and its own image:
#   release  build/        -O2: what `make`, `make run` and `make bench` boot
#   test     build/test/   -O2 and UBSAN (kernel/ubsan.c): what `make test` and `make fuzz`
#                          boot (SANITIZE=1; they turn it on unless told SANITIZE=0)
#   debug    build/debug/  -Og: what `make debug` boots, so that GDB sees every variable
#                          and lines advance in order (DEBUG=1)
ifneq ($(filter test fuzz,$(MAKECMDGOALS)),)
SANITIZE ?= 1
endif
ifneq ($(filter debug,$(MAKECMDGOALS)),)
DEBUG ?= 1
endif
ifeq ($(SANITIZE),1)
BUILD := build/test
else ifeq ($(DEBUG),1)
BUILD := build/debug
else
BUILD := build
endif
OPTIMIZE := $(if $(filter 1,$(DEBUG)),-Og,-O2)
# -g3 in the debug flavour: GDB knows the macros too (break ... if prev->flags & PF_EXITING)
DEBUGINFO := $(if $(filter 1,$(DEBUG)),-g3,-g)
# V=1 shows every command; by default each step prints one short line.
ifeq ($(V),1)
Q :=
else
Q := @
endif
GEN := $(BUILD)/include/generated

CFLAGS_ARCH := -m64 -mcmodel=kernel -mno-red-zone -mno-mmx -mno-sse -mno-sse2 -mno-80387 \
	-fno-pic -fno-pie
# The stack protector reads its canary from a global (arch/x86_64/stackprotector.h).
# -Wmissing-prototypes: every global function has its prototype in a header, so a
# caller and the definition cannot disagree (assembly's callees: arch/x86_64/entry.h).
CFLAGS := -std=gnu11 $(OPTIMIZE) $(DEBUGINFO) -ffreestanding -fno-builtin \
	-fstack-protector-strong -mstack-protector-guard=global \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fno-strict-aliasing \
	-fno-common -fno-optimize-sibling-calls -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wmissing-prototypes \
	$(CFLAGS_ARCH) \
	-I. -I$(BUILD)/include -MMD -MP
ifneq ($(filter clang%,$(notdir $(CC))),)
CFLAGS += -target x86_64-unknown-none-elf -Wno-unused-command-line-argument
else
CFLAGS += -mno-omit-leaf-frame-pointer
endif
ASFLAGS := $(filter-out -std=gnu11,$(CFLAGS)) -D__ASSEMBLER__
# UBSAN: every -fsanitize=undefined check, reported by our own handlers, which must
# not be checked themselves.
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=undefined -DCONFIG_UBSAN
$(BUILD)/kernel/ubsan.o: CFLAGS += -fno-sanitize=all
endif
LDFLAGS := -nostdlib -z max-page-size=4096 -z noexecstack --no-warn-rwx-segments

SRC_DIRS := boot arch/x86_64 kernel mm sched tests tests/bench
C_SRCS := $(filter-out arch/x86_64/asm-offsets.c,$(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c)))
S_SRCS := $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.S))
OBJS := $(patsubst %.c,$(BUILD)/%.o,$(C_SRCS)) $(patsubst %.S,$(BUILD)/%.o,$(S_SRCS))

KERNEL := $(BUILD)/sublet.elf
ISO := $(BUILD)/sublet.iso

.PHONY: all iso run debug test soak deps clean check help bench
all: $(KERNEL) $(BUILD)/sublet.asm

help:
	@echo "make                 build build/sublet.elf and the user programs"
	@echo "make user            build only the user programs (build/user/*.elf)"
	@echo "make iso             build build/sublet.iso (BIOS + UEFI), GRUB's line CMDLINE"
	@echo "make run             boot in QEMU, serial console on this terminal (quit: Ctrl-A X)"
	@echo "make debug           the -Og kernel (build/debug/) halted with a gdb stub on GDBPORT,"
	@echo "                     GDB on this terminal (console: build/debug/serial.log);"
	@echo "                     GDB=0: QEMU only, console here, prints what to type in GDB"
	@echo "make test            build the test kernel (UBSAN, in build/test/), boot its self-tests"
	@echo "                     headless (one ISO, a command line per boot), print"
	@echo "                     N passed, N failed, N skipped"
	@echo "make test-gdb        GDB's helpers (tools/gdb/) checked against the -Og kernel, and"
	@echo "                     every GDB block of docs/ replayed (WRITE_DOCS=1 rewrites the"
	@echo "                     gdb.md transcripts); in make test"
	@echo "make test-gdb-bt     GDB's backtraces through the assembly, both flavours (-Og, -O2)"
	@echo "make model           the active_mm/TLB protocol model checked by SPIN: 2 CPUs, both"
	@echo "                     lazy-TLB modes, every mutation caught (docs/model.md); in make test"
	@echo "make model-full      also 3 CPUs and liveness under weak fairness (outside CI)"
	@echo "make soak            only the soak suite, SOAK=$(SOAK) fork/exec/thread cycles"
	@echo "make fuzz            a syscall fuzzing campaign: SEED= TIME=<s>, or BATCH=<seed> MODE="
	@echo "                     to replay one batch (docs/fuzzing.md)"
	@echo "make bench           boot the benchmarks under -icount, print the table"
	@echo "make user-host-test  run the user-space tests on this Linux machine"
	@echo "make check           clang-format (dry run), cppcheck, the -Werror build, user-check"
	@echo "make user-check      cppcheck and the ELF checks of the user programs only"
	@echo "make deps            install the Debian/Ubuntu packages the project needs"
	@echo "make clean           remove build/"
	@echo "variables: SMP=$(SMP) (make test: $(TEST_SMP)) MEM=$(MEM) FIRMWARE=$(FIRMWARE) (bios, uefi) KTEST=<glob>"
	@echo "  (test, run, debug) CMDLINE= QEMU_EXTRA= TIMEOUT=$(TIMEOUT) SOAK=$(SOAK) V=1"
	@echo "  GDB=$(GDB) GDBPORT=$(GDBPORT) GDB_PROG=$(GDB_PROG) (make debug)"
	@echo "  SANITIZE= (1: the test kernel) DEBUG= (1: the -Og kernel) CC= CROSS_COMPILE= QEMU=$(QEMU)"
	@echo "  USER_CC=$(USER_CC) (the user programs' compiler: a musl wrapper)"

# ---- compiling ------------------------------------------------------------------------

$(GEN)/asm-offsets.h: arch/x86_64/asm-offsets.c
	@mkdir -p $(dir $@) $(BUILD)/arch/x86_64
	@echo "  GEN     $@"
	$(Q)$(CC) $(CFLAGS) -S -o $(BUILD)/arch/x86_64/asm-offsets.s $< -MF $(BUILD)/arch/x86_64/asm-offsets.d -MT $@
	@{ echo "/* Generated from arch/x86_64/asm-offsets.c: do not edit. */"; \
	  sed -n 's/.*->\([A-Za-z_0-9]*\) \$$\{0,1\}\([-0-9]*\).*/#define \1 \2/p' \
		$(BUILD)/arch/x86_64/asm-offsets.s; } > $@.tmp && mv $@.tmp $@

# The objects depend on the flags too: this file changes only when CFLAGS do (a flag
# such as the debug flavour's -g3 then rebuilds what was built without it).
# (The flags as set for every object, taken now: a target's own additions, such as
# ubsan.o's, must not leak into the stamp when it is made as that object's prerequisite.)
STAMPED_CFLAGS := $(CFLAGS)
$(BUILD)/cflags.stamp: FORCE
	@mkdir -p $(BUILD)
	@echo '$(STAMPED_CFLAGS)' | cmp -s - $@ || echo '$(STAMPED_CFLAGS)' > $@

$(BUILD)/%.o: %.c $(BUILD)/cflags.stamp | $(GEN)/asm-offsets.h
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.S $(GEN)/asm-offsets.h $(BUILD)/cflags.stamp
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(ASFLAGS) -c -o $@ $<

# ---- linking, twice: kallsyms ---------------------------------------------------------
# Pass 1 links with an empty symbol table. Its text symbols go into the table linked in
# by pass 2. The table sits in .rodata, after .text, so text addresses cannot move
# between the passes; the final check proves it by regenerating the table from the
# result and comparing.

$(BUILD)/kallsyms0.S:
	@mkdir -p $(BUILD)
	$(Q)$(PYTHON) tools/kallsyms.py --empty > $@

$(BUILD)/kallsyms%.o: $(BUILD)/kallsyms%.S
	$(Q)$(CC) $(ASFLAGS) -c -o $@ $<

$(BUILD)/sublet.pass1.elf: $(OBJS) $(BUILD)/kallsyms0.o linker.ld
	@echo "  LD      $@ (pass 1, empty symbol table)"
	$(Q)$(LD) $(LDFLAGS) -T linker.ld -o $@ $(OBJS) $(BUILD)/kallsyms0.o

$(BUILD)/kallsyms1.S: $(BUILD)/sublet.pass1.elf tools/kallsyms.py
	@echo "  KSYMS   $@"
	$(Q)$(NM) -n $< | $(PYTHON) tools/kallsyms.py > $@

$(KERNEL): $(BUILD)/sublet.pass1.elf $(BUILD)/kallsyms1.o
	@echo "  LD      $@"
	$(Q)$(LD) $(LDFLAGS) -T linker.ld -o $@ $(OBJS) $(BUILD)/kallsyms1.o
	@$(NM) -n $@ | $(PYTHON) tools/kallsyms.py | cmp -s - $(BUILD)/kallsyms1.S || \
		{ echo "kallsyms: text moved between link passes" >&2; rm -f $@; exit 1; }
	@$(NM) -n $@ > $(BUILD)/sublet.sym

$(BUILD)/sublet.asm: $(KERNEL)
	@echo "  OBJDUMP $@"
	$(Q)$(OBJDUMP) -d -S --no-show-raw-insn $< > $@

# ---- user programs --------------------------------------------------------------------
# Every user/<prog>.c is a program: a static ELF64 executable build/user/<prog>.elf,
# built against musl (`musl-gcc -static`, GNU ld's default layout) with our own helpers
# (user/lib/: the test harness, exec by module name, wait statuses in words) as an
# archive, so a test program gets main() from user/lib/utest.c and the others bring
# their own. The ISO carries them as multiboot2 modules named by file name. They are
# x86-64 Linux executables too: `make user-host-test` runs the same files on this
# machine. See docs/userspace-programs.md.

AR := $(CROSS_COMPILE)ar
USER_CC ?= musl-gcc
# In build/user/ whatever SANITIZE says: the plain and the test kernel run the same ones.
USER_BUILD := build/user
USER_CFLAGS := -std=gnu11 -D_GNU_SOURCE -O2 -g -fno-pie -fno-omit-frame-pointer \
	-fno-strict-aliasing -fno-common -fno-asynchronous-unwind-tables \
	-Wall -Wextra -Werror -I. -MMD -MP
USER_ASFLAGS := $(filter-out -std=gnu11,$(USER_CFLAGS)) -D__ASSEMBLER__
USER_LDFLAGS := -static -no-pie -Wl,-z,max-page-size=4096 -Wl,-z,noexecstack

USER_PROGS := $(sort $(basename $(notdir $(wildcard user/*.c))))
# The programs init's ktest mode runs: utest_*, less helpers (*_child) they exec.
USER_TESTS := $(filter-out %_child,$(filter utest_%,$(USER_PROGS)))
USER_ELFS := $(patsubst %,$(USER_BUILD)/%.elf,$(USER_PROGS))
USER_PROG_OBJS := $(patsubst %,$(USER_BUILD)/%.o,$(USER_PROGS))
USER_LIB_C := $(wildcard user/lib/*.c)
USER_LIB_OBJS := $(patsubst user/%.c,$(USER_BUILD)/%.o,$(USER_LIB_C))
USER_LIB := $(USER_BUILD)/lib/libutest.a

.PHONY: user user-host-test user-check
all: user
user: $(USER_ELFS)

# Static pattern rules: they take precedence over the kernel's $(BUILD)/%.o rules.
$(USER_PROG_OBJS) $(USER_LIB_OBJS): $(USER_BUILD)/%.o: user/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(USER_CC) $(USER_CFLAGS) -c -o $@ $<

$(USER_LIB): $(USER_LIB_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# user/check_elf.py refuses an image the kernel's loader should not get (W+X, wrong place).
$(USER_ELFS): $(USER_BUILD)/%.elf: $(USER_BUILD)/%.o $(USER_LIB) user/check_elf.py
	@echo "  LD      $@"
	$(Q)$(USER_CC) $(USER_LDFLAGS) -o $@ $< $(USER_EXTRA_OBJS) $(USER_LIB)
	$(Q)$(PYTHON) user/check_elf.py $@ || { rm -f $@; exit 1; }

# The user tests on this Linux machine (same syscall numbers and ABI), driven by init's
# ktest mode from build/user/ so that execve finds the programs by name. Not utest_oom:
# it exhausts the machine's memory, which on a host means the host's.
USER_HOST_TESTS := $(filter-out utest_oom,$(USER_TESTS))
user-host-test: $(USER_ELFS)
	cd $(USER_BUILD) && ./init.elf ktest 1 $(USER_HOST_TESTS)

# Deliberate faults (utest_faults) and the linker-made test table carry inline
# suppressions; everything else must be clean.
user-check: $(USER_ELFS)
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr --suppress=missingIncludeSystem -I. $(wildcard user/*.c user/lib/*.c user/fuzz/*.c)
	$(PYTHON) user/check_elf.py $(USER_ELFS)
check: user-check

-include $(USER_PROG_OBJS:.o=.d) $(USER_LIB_OBJS:.o=.d)

# The fuzzer's engine (user/fuzz/) is linked into utest_fuzz only. See docs/fuzzing.md.
USER_FUZZ_C_OBJS := $(patsubst user/%.c,$(USER_BUILD)/%.o,$(wildcard user/fuzz/*.c))
USER_FUZZ_S_OBJS := $(patsubst user/%.S,$(USER_BUILD)/%.o,$(wildcard user/fuzz/*.S))
$(USER_FUZZ_C_OBJS): $(USER_BUILD)/%.o: user/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(USER_CC) $(USER_CFLAGS) -c -o $@ $<
$(USER_FUZZ_S_OBJS): $(USER_BUILD)/%.o: user/%.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(USER_CC) $(USER_ASFLAGS) -c -o $@ $<
$(USER_BUILD)/utest_fuzz.elf: $(USER_FUZZ_C_OBJS) $(USER_FUZZ_S_OBJS)
$(USER_BUILD)/utest_fuzz.elf: USER_EXTRA_OBJS := $(USER_FUZZ_C_OBJS) $(USER_FUZZ_S_OBJS)
-include $(USER_FUZZ_C_OBJS:.o=.d) $(USER_FUZZ_S_OBJS:.o=.d)

# ---- ISO, QEMU ------------------------------------------------------------------------

iso: $(ISO)
# The ISO depends on the command line too: this file changes only when CMDLINE does.
$(BUILD)/cmdline.stamp: FORCE
	@mkdir -p $(BUILD)
	@echo '$(CMDLINE)' | cmp -s - $@ || echo '$(CMDLINE)' > $@
.PHONY: FORCE
$(ISO): $(KERNEL) $(USER_ELFS) iso/grub.cfg tools/mkiso.sh $(BUILD)/cmdline.stamp
	@echo "  MKISO   $@"
	$(Q)tools/mkiso.sh $(KERNEL) $@ "$(CMDLINE)" $(USER_ELFS)

# make run and make debug boot through tools/qemu_launch.py, as the tests and benchmarks
# do: the same machine (isa-debug-exit included), the same OVMF. GRUB's line is CMDLINE
# (the ISO is rebuilt when it changes); KTEST goes in QEMU's fw_cfg, appended to it.
export QEMU
LAUNCH = $(PYTHON) tools/qemu_launch.py --iso $(ISO) --firmware $(FIRMWARE) --mem $(MEM) \
	--smp $(SMP) $(if $(KTEST),--cmdline 'ktest=$(KTEST)') \
	$(if $(QEMU_EXTRA),--qemu-extra '$(QEMU_EXTRA)')

run: deps $(ISO)
	@echo "sublet: booting in QEMU ($(FIRMWARE), $(MEM), $(SMP) CPU). Quit with Ctrl-A X."
	$(LAUNCH)

# make debug: QEMU halted with a gdb stub on GDBPORT, and GDB on this terminal, connected,
# with the helpers loaded (build/gdbinit); the serial console goes to SERIAL_LOG. GDB=0
# starts only QEMU, its console on this terminal, for an IDE or GDB in another terminal.
GDB ?= 1
GDBPORT ?= 1234
GDB_PROG ?= gdb
SERIAL_LOG := $(BUILD)/serial.log
debug: deps $(ISO) build/gdbinit
ifeq ($(GDB),0)
	@echo "sublet: QEMU is halted with a gdb stub on localhost:$(GDBPORT) ($(KERNEL))."
	@echo "  In another terminal, in $(CURDIR):  $(GDB_PROG) -x build/gdbinit"
	@echo "  or in any GDB or IDE:  set architecture i386:x86-64"
	@echo "                         file $(abspath $(KERNEL))"
	@echo "                         target remote localhost:$(GDBPORT)"
	@echo "  then: hbreak kmain, continue. The console is below; quit QEMU with Ctrl-A X."
	$(LAUNCH) --gdb --gdb-port $(GDBPORT)
else
	@echo "sublet: QEMU halted with a gdb stub on localhost:$(GDBPORT) ($(KERNEL)); GDB follows."
	@echo "  The serial console goes to $(SERIAL_LOG): tail -f it in another terminal."
	@echo "  Quitting GDB ends QEMU."
	$(LAUNCH) --gdb-port $(GDBPORT) --serial-log $(SERIAL_LOG) \
		--gdb-client "$(GDB_PROG) -q -x build/gdbinit"
endif

# GDB's set-up stays at one path whatever the flavour, naming the kernel of the flavour
# last built by `make` or `make debug` (for `make debug`, build/debug/sublet.elf) and the
# stub's port.
all: build/gdbinit
build/gdbinit: tools/gdbinit FORCE
	@mkdir -p build
	@sed -e 's|@KERNEL@|$(abspath $(KERNEL))|g' -e 's|@GDBPORT@|$(GDBPORT)|g' $< > $@

# ---- tests ----------------------------------------------------------------------------

# A whole run (no KTEST, BIOS firmware, the default CPU) also checks GDB (test-gdb) first,
# so that the runner's "N passed, N failed, N skipped" stays the last line; variants
# (UEFI, another -cpu) leave it out, since GDB's view of the kernel does not depend on them.
# The model of the active_mm protocol (make model) runs in the same whole run only: it
# does not depend on the firmware or the CPU either.
RUN_TEST_GDB := $(if $(KTEST)$(QEMU_EXTRA)$(filter-out bios,$(FIRMWARE)),,1)
test: deps $(KERNEL) $(USER_ELFS)
	@$(PYTHON) tools/ktest_runner_test.py -q 2>$(BUILD)/runner-selftest.log || \
		{ cat $(BUILD)/runner-selftest.log; echo "test runner self-test failed"; exit 1; }
	$(if $(RUN_TEST_GDB),$(Q)$(MAKE) --no-print-directory test-gdb)
	$(if $(RUN_TEST_GDB),$(Q)$(MAKE) --no-print-directory model)
	$(PYTHON) tools/ktest_runner.py --elf $(KERNEL) --log build/test.log \
		--firmware $(FIRMWARE) --mem $(MEM) --smp $(TEST_SMP) --timeout $(TIMEOUT) \
		--modules '$(USER_ELFS)' \
		$(if $(KTEST),--ktest '$(KTEST)') \
		$(if $(QEMU_EXTRA),--qemu-extra '$(QEMU_EXTRA)') \
		$(if $(CMDLINE),--cmdline-extra '$(CMDLINE)')

# The GDB helpers (tools/gdb/, docs/gdb.md) against the debug kernel: GDB in batch mode
# drives a scenario's switches and checks every helper against the kernel's own state
# (tools/gdb_test.py, tools/gdb/selftest.py), then replays every GDB block of docs/*.md
# (one boot per session; a `(gdb)` line outside a replayed block fails the test). The
# debug flavour is built by a nested make, whatever flavour the rest of this make builds.
# Then the backtraces through the assembly (test-gdb-bt, below). A whole `make test` runs
# both before the self-tests: about a minute.
.PHONY: test-gdb
test-gdb: deps
	@mkdir -p build && $(PYTHON) tools/gdb_test_test.py -q 2>build/gdb-test-selftest.log || \
		{ cat build/gdb-test-selftest.log; echo "test-gdb driver self-test failed"; exit 1; }
	$(Q)$(MAKE) --no-print-directory DEBUG=1 SANITIZE=0 all
	$(PYTHON) tools/gdb_test.py --elf build/debug/sublet.elf --log build/test-gdb.log \
		--mem $(MEM) --modules '$(USER_ELFS)' --docs docs \
		$(if $(filter 1,$(WRITE_DOCS)),--write-docs)
	$(Q)$(MAKE) --no-print-directory test-gdb-bt

# GDB loads the helpers from a file beside the kernel it is given (tools/gdbinit sources
# it; GDB's auto-load does too where its safe-path allows).
all: $(KERNEL)-gdb.py
$(KERNEL)-gdb.py: tools/gdb/sublet.py
	@echo "  GEN     $@"
	@echo 'gdb.execute("source $(abspath tools/gdb/sublet.py)")' > $@

# GDB's `bt` through the assembly's CFI (switch_to, ret_from_fork, the trap and syscall
# entries), in the debug and the release flavour, each built by a nested make: GDB in batch
# mode against QEMU checks that every backtrace is whole and ends at a task's first frame
# (tools/gdb_bt_test.py). `make test-gdb` ends with it.
.PHONY: test-gdb-bt gdb-bt-flavour
test-gdb-bt: deps
	$(Q)$(MAKE) --no-print-directory DEBUG=1 SANITIZE=0 gdb-bt-flavour
	$(Q)$(MAKE) --no-print-directory DEBUG=0 SANITIZE=0 gdb-bt-flavour
gdb-bt-flavour: $(ISO)
	$(PYTHON) tools/gdb_bt_test.py --elf $(KERNEL) --iso $(ISO)

# The active_mm and TLB protocol as a Promela model (tools/model/active_mm.pml), checked
# exhaustively by SPIN: 2 CPUs, both lazy-TLB modes, and every mutation (a classic bug
# that must be caught with a trail), after checking that every function docs/model.md
# maps a model step to exists. model-full adds 3 CPUs, a third task and liveness under
# weak fairness: minutes and gigabytes, outside CI. See docs/model.md.
.PHONY: model model-full
model: deps
	$(PYTHON) tools/model/check.py
model-full: deps
	$(PYTHON) tools/model/check.py --full

# The soak suite alone, longer than in `make test` (tests/soak_test.c, docs/testing.md).
soak:
	$(MAKE) test KTEST=soak CMDLINE='soak=$(SOAK) $(CMDLINE)'

# ---- fuzzing --------------------------------------------------------------------------
# A longer campaign of the syscall fuzzer (user/utest_fuzz.c, docs/fuzzing.md): the
# utest_fuzz suite alone, its settings passed through the kernel command line to init
# and on to the program. BATCH=<seed> MODE=single|threads replays one batch.

SEED ?= 0x5eed2026
TIME ?= 300
BATCHES ?=
BATCH ?=
MODE ?=
comma := ,
FUZZ_SETTINGS = seed=$(SEED),time=$(TIME)$(if $(BATCHES),$(comma)batches=$(BATCHES))$(if \
	$(BATCH),$(comma)batch=$(BATCH))$(if $(MODE),$(comma)mode=$(MODE))

.PHONY: fuzz
fuzz: deps $(KERNEL) $(USER_ELFS)
	$(PYTHON) tools/ktest_runner.py --elf $(KERNEL) --log build/fuzz.log \
		--firmware $(FIRMWARE) --mem $(MEM) --smp $(SMP) --timeout $$(($(TIME) * 2 + 600)) \
		--modules '$(USER_ELFS)' --ktest 'utest_fuzz' \
		--cmdline-extra 'utest_args=$(FUZZ_SETTINGS) $(CMDLINE)' \
		$(if $(QEMU_EXTRA),--qemu-extra '$(QEMU_EXTRA)')

# ---- benchmarks -----------------------------------------------------------------------
# Boots the kernel with `bench` (and `bench nolazytlb`, and at 8G) under -icount shift=0,
# where TSC ticks are instructions, and prints the table of docs/benchmarks.md.

bench: deps $(KERNEL) $(USER_ELFS)
	$(PYTHON) tools/bench.py --elf $(KERNEL) --out-dir $(BUILD)/bench --timeout $(TIMEOUT) \
		--modules '$(USER_ELFS)'

# ---- set-up and housekeeping ----------------------------------------------------------

DEPS_PACKAGES := qemu-system-x86 grub-pc-bin grub-efi-amd64-bin grub-common xorriso mtools \
	ovmf gdb python3 musl-tools spin gcc
deps:
	@tools/deps.sh $(DEPS_PACKAGES)

check: all
	clang-format --dry-run --Werror $(C_SRCS) \
		$(filter-out arch/x86_64/calling.h,$(wildcard $(addsuffix /*.h,$(SRC_DIRS))))
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr --suppress=missingIncludeSystem --suppress=comparePointers \
		-I. -I$(BUILD)/include $(C_SRCS)

clean:
	rm -rf $(BUILD)

-include $(OBJS:.o=.d) $(BUILD)/arch/x86_64/asm-offsets.d
