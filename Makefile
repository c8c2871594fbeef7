# Makefile - builds, boots and tests sublet. `make help` lists the targets.
#
# The kernel is every .c and .S file under boot/, arch/x86_64/, kernel/, mm/, sched/ and
# tests/, compiled freestanding and linked by linker.ld. The symbol table the kernel
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
MEM ?= 256M
FIRMWARE ?= bios
KTEST ?=
QEMU_EXTRA ?=
CMDLINE ?=
TIMEOUT ?= 600

BUILD := build
# V=1 shows every command; by default each step prints one short line.
ifeq ($(V),1)
Q :=
else
Q := @
endif
GEN := $(BUILD)/include/generated

CFLAGS_ARCH := -m64 -mcmodel=kernel -mno-red-zone -mno-mmx -mno-sse -mno-sse2 -mno-80387 \
	-fno-pic -fno-pie
CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-builtin -fno-stack-protector \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fno-strict-aliasing \
	-fno-common -Wall -Wextra -Werror -Wno-unused-parameter $(CFLAGS_ARCH) \
	-I. -I$(BUILD)/include -MMD -MP
ifneq ($(filter clang%,$(notdir $(CC))),)
CFLAGS += -target x86_64-unknown-none-elf -Wno-unused-command-line-argument
else
CFLAGS += -mno-omit-leaf-frame-pointer
endif
ASFLAGS := $(filter-out -std=gnu11,$(CFLAGS)) -D__ASSEMBLER__
LDFLAGS := -nostdlib -z max-page-size=4096 -z noexecstack --no-warn-rwx-segments

SRC_DIRS := boot arch/x86_64 kernel mm sched tests
C_SRCS := $(filter-out arch/x86_64/asm-offsets.c,$(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c)))
S_SRCS := $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.S))
OBJS := $(patsubst %.c,$(BUILD)/%.o,$(C_SRCS)) $(patsubst %.S,$(BUILD)/%.o,$(S_SRCS))

KERNEL := $(BUILD)/sublet.elf
ISO := $(BUILD)/sublet.iso

.PHONY: all iso run debug test deps clean check help bench
all: $(KERNEL) $(BUILD)/sublet.asm

help:
	@echo "make            build build/sublet.elf"
	@echo "make iso        build build/sublet.iso (BIOS + UEFI)"
	@echo "make run        boot in QEMU, serial console on this terminal (quit: Ctrl-A X)"
	@echo "make debug      boot halted with a GDB stub; in another terminal: gdb -x build/gdbinit"
	@echo "make test       build, boot the self-tests headless, print N passed, N failed, N skipped"
	@echo "make deps       install the Debian/Ubuntu packages the project needs"
	@echo "make check      clang-format (dry run), cppcheck, and the -Werror build"
	@echo "make clean      remove build/"
	@echo "variables: SMP=$(SMP) MEM=$(MEM) FIRMWARE=$(FIRMWARE) KTEST=<glob> QEMU_EXTRA= CMDLINE= CC= CROSS_COMPILE="

# ---- compiling ------------------------------------------------------------------------

$(GEN)/asm-offsets.h: arch/x86_64/asm-offsets.c
	@mkdir -p $(dir $@) $(BUILD)/arch/x86_64
	@echo "  GEN     $@"
	$(Q)$(CC) $(CFLAGS) -S -o $(BUILD)/arch/x86_64/asm-offsets.s $< -MF $(BUILD)/arch/x86_64/asm-offsets.d -MT $@
	@{ echo "/* Generated from arch/x86_64/asm-offsets.c: do not edit. */"; \
	  sed -n 's/.*->\([A-Za-z_0-9]*\) \$$\{0,1\}\([-0-9]*\).*/#define \1 \2/p' \
		$(BUILD)/arch/x86_64/asm-offsets.s; } > $@.tmp && mv $@.tmp $@

$(BUILD)/%.o: %.c | $(GEN)/asm-offsets.h
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.S $(GEN)/asm-offsets.h
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

# ---- ISO, QEMU ------------------------------------------------------------------------

iso: $(ISO)
$(ISO): $(KERNEL) iso/grub.cfg tools/mkiso.sh
	@echo "  MKISO   $@"
	$(Q)tools/mkiso.sh $(KERNEL) $@ "$(CMDLINE)"

OVMF_CODE := $(firstword $(wildcard /usr/share/OVMF/OVMF_CODE.fd /usr/share/OVMF/OVMF_CODE_4M.fd /usr/share/ovmf/OVMF.fd /usr/share/qemu/OVMF.fd))
QEMU_FIRMWARE_bios :=
QEMU_FIRMWARE_uefi := -drive if=pflash,format=raw,readonly=on,file=$(OVMF_CODE)
QEMU_COMMON := -m $(MEM) -smp $(SMP) -cpu max -no-reboot $(QEMU_FIRMWARE_$(FIRMWARE)) \
	-cdrom $(ISO) $(QEMU_EXTRA)

run: deps $(ISO)
	@echo "sublet: booting in QEMU ($(FIRMWARE), $(MEM), $(SMP) CPU). Quit with Ctrl-A X."
	$(QEMU) $(QEMU_COMMON) -display none -serial mon:stdio

debug: deps $(ISO) $(BUILD)/gdbinit
	@echo "sublet: QEMU is halted with a GDB stub on :1234."
	@echo "        In another terminal: gdb -x $(BUILD)/gdbinit   (then: hbreak kmain, continue)"
	$(QEMU) $(QEMU_COMMON) -display none -serial mon:stdio -s -S

$(BUILD)/gdbinit: tools/gdbinit
	@mkdir -p $(BUILD)
	sed 's|@KERNEL@|$(abspath $(KERNEL))|' $< > $@

# ---- tests ----------------------------------------------------------------------------

test: deps $(KERNEL)
	@$(PYTHON) tools/ktest_runner_test.py -q 2>$(BUILD)/runner-selftest.log || \
		{ cat $(BUILD)/runner-selftest.log; echo "test runner self-test failed"; exit 1; }
	$(PYTHON) tools/ktest_runner.py --elf $(KERNEL) --log $(BUILD)/test.log \
		--firmware $(FIRMWARE) --mem $(MEM) --smp $(SMP) --timeout $(TIMEOUT) \
		$(if $(KTEST),--ktest '$(KTEST)') \
		$(if $(QEMU_EXTRA),--qemu-extra '$(QEMU_EXTRA)') \
		$(if $(CMDLINE),--cmdline-extra '$(CMDLINE)')

# ---- set-up and housekeeping ----------------------------------------------------------

DEPS_PACKAGES := qemu-system-x86 grub-pc-bin grub-efi-amd64-bin grub-common xorriso mtools \
	ovmf gdb python3
deps:
	@tools/deps.sh $(DEPS_PACKAGES)

check: all
	clang-format --dry-run --Werror $(C_SRCS) $(wildcard $(addsuffix /*.h,$(SRC_DIRS)))
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--suppress=missingIncludeSystem -I. -I$(BUILD)/include $(C_SRCS)

clean:
	rm -rf $(BUILD)

-include $(OBJS:.o=.d) $(BUILD)/arch/x86_64/asm-offsets.d
