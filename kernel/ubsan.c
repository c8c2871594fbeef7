/*
 * kernel/ubsan.c - the handlers of the undefined-behaviour sanitizer (UBSAN).
 *
 * The test build (`make test`, SANITIZE=1 in the Makefile) compiles the kernel with
 * -fsanitize=undefined: the compiler puts a check before every operation whose result C
 * leaves undefined (signed overflow, a shift by too much, an array index out of bounds,
 * a misaligned or null pointer dereference, a bool that is neither 0 nor 1, reaching
 * __builtin_unreachable...) and calls one of the __ubsan_handle_* functions below when
 * it fails, with a description the compiler wrote: the source location and the types.
 * Undefined behaviour in a kernel is a bug even when the generated code happens to do
 * the expected thing, so every handler prints what it found and panics
 * ("UBSAN: <kind> in <file>:<line>", then the registers and a backtrace), as Linux's
 * lib/ubsan.c does with panic_on_warn.
 *
 * The structures are the compiler's ABI (kernel/ubsan.h). This file itself is
 * built without the sanitizer: a check inside a handler would call the handler again.
 */
#include "kernel/ubsan.h"
#include "kernel/compiler.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/types.h"

static const char *const type_check_kinds[] = {
    "load of",
    "store to",
    "reference binding to",
    "member access within",
    "member call on",
    "constructor call on",
    "downcast of",
    "downcast of",
    "upcast of",
    "cast to virtual base of",
    "_Nonnull binding to",
    "dynamic operation on",
};

/* Set by the first report: a second one (a check failing while the first is printed)
 * only panics. */
static bool ubsan_reporting;

static void report_begin(const char *kind, const struct source_location *loc)
{
	if (ubsan_reporting)
		panic("UBSAN: %s in %s:%u (while reporting another)", kind, loc->file, loc->line);
	ubsan_reporting = true;
	printk(
	    "================================================================================\n");
	printk("UBSAN: %s in %s:%u:%u\n", kind, loc->file, loc->line, loc->column);
}

static __noreturn void report_end(const char *kind, const struct source_location *loc)
{
	printk(
	    "================================================================================\n");
	panic("UBSAN: %s in %s:%u", kind, loc->file, loc->line);
}

static __noreturn void report_simple(const char *kind, const struct source_location *loc)
{
	report_begin(kind, loc);
	report_end(kind, loc);
}

static bool type_is_signed(const struct type_descriptor *type)
{
	return type->type_kind == TYPE_KIND_INTEGER && (type->type_info & TYPE_INFO_SIGNED);
}

static unsigned int type_bit_width(const struct type_descriptor *type)
{
	return 1u << (type->type_info >> 1);
}

/* Values up to 64 bits come in the pointer-sized argument itself, wider ones by address. */
static void format_value(char *buf, size_t size, const struct type_descriptor *type,
			 unsigned long value)
{
	unsigned int width = type_bit_width(type);

	if (type->type_kind != TYPE_KIND_INTEGER || width > 64) {
		snprintf(buf, size, "(a %s)", type->type_name);
		return;
	}
	if (type_is_signed(type)) {
		long v = (long)(value << (64 - width)) >> (64 - width); /* sign-extend */

		snprintf(buf, size, "%ld", v);
	} else {
		snprintf(buf, size, "%lu", value & (width == 64 ? ~0ul : (1ul << width) - 1));
	}
}

static __noreturn void report_overflow(const struct overflow_data *data, unsigned long lhs,
				       unsigned long rhs, char op)
{
	const char *kind =
	    type_is_signed(data->type) ? "signed-integer-overflow" : "unsigned-integer-overflow";
	char l[32], r[32];

	report_begin(kind, &data->loc);
	format_value(l, sizeof(l), data->type, lhs);
	format_value(r, sizeof(r), data->type, rhs);
	printk("%s %c %s cannot be represented in type %s\n", l, op, r, data->type->type_name);
	report_end(kind, &data->loc);
}

void __ubsan_handle_add_overflow(const struct overflow_data *data, unsigned long lhs,
				 unsigned long rhs)
{
	report_overflow(data, lhs, rhs, '+');
}

void __ubsan_handle_sub_overflow(const struct overflow_data *data, unsigned long lhs,
				 unsigned long rhs)
{
	report_overflow(data, lhs, rhs, '-');
}

void __ubsan_handle_mul_overflow(const struct overflow_data *data, unsigned long lhs,
				 unsigned long rhs)
{
	report_overflow(data, lhs, rhs, '*');
}

void __ubsan_handle_negate_overflow(const struct overflow_data *data, unsigned long old)
{
	char v[32];

	report_begin("negation-overflow", &data->loc);
	format_value(v, sizeof(v), data->type, old);
	printk("negation of %s cannot be represented in type %s\n", v, data->type->type_name);
	report_end("negation-overflow", &data->loc);
}

void __ubsan_handle_divrem_overflow(const struct overflow_data *data, unsigned long lhs,
				    unsigned long rhs)
{
	char l[32], r[32];

	report_begin("division-overflow", &data->loc);
	format_value(l, sizeof(l), data->type, lhs);
	format_value(r, sizeof(r), data->type, rhs);
	printk("%s / %s: %s\n", l, r, (rhs == 0) ? "division by zero" : "overflow");
	report_end("division-overflow", &data->loc);
}

void __ubsan_handle_shift_out_of_bounds(const struct shift_out_of_bounds_data *data,
					unsigned long lhs, unsigned long rhs)
{
	char l[32], r[32];

	report_begin("shift-out-of-bounds", &data->loc);
	format_value(l, sizeof(l), data->lhs_type, lhs);
	format_value(r, sizeof(r), data->rhs_type, rhs);
	if (type_is_signed(data->rhs_type) && r[0] == '-')
		printk("shift exponent %s is negative\n", r);
	else if (rhs >= type_bit_width(data->lhs_type))
		printk("shift exponent %s is too large for %u-bit type %s\n", r,
		       type_bit_width(data->lhs_type), data->lhs_type->type_name);
	else
		printk("left shift of %s by %s places cannot be represented in type %s\n", l, r,
		       data->lhs_type->type_name);
	report_end("shift-out-of-bounds", &data->loc);
}

void __ubsan_handle_out_of_bounds(const struct out_of_bounds_data *data, unsigned long index)
{
	char i[32];

	report_begin("array-index-out-of-bounds", &data->loc);
	format_value(i, sizeof(i), data->index_type, index);
	printk("index %s is out of range for type %s\n", i, data->array_type->type_name);
	report_end("array-index-out-of-bounds", &data->loc);
}

void __ubsan_handle_type_mismatch_v1(const struct type_mismatch_data_v1 *data, unsigned long ptr)
{
	unsigned long alignment = 1ul << data->log_alignment;
	const char *what = data->type_check_kind < ARRAY_SIZE(type_check_kinds)
			       ? type_check_kinds[data->type_check_kind]
			       : "access to";
	const char *kind;

	if (!ptr)
		kind = "null-ptr-deref";
	else if (data->log_alignment && (ptr & (alignment - 1)))
		kind = "misaligned-access";
	else
		kind = "object-size-mismatch";
	report_begin(kind, &data->loc);
	if (!ptr)
		printk("%s null pointer of type %s\n", what, data->type->type_name);
	else if (data->log_alignment && (ptr & (alignment - 1)))
		printk("%s misaligned address %lx for type %s, which requires %lu-byte "
		       "alignment\n",
		       what, ptr, data->type->type_name, alignment);
	else
		printk("%s address %lx with insufficient space for an object of type %s\n", what,
		       ptr, data->type->type_name);
	report_end(kind, &data->loc);
}

void __ubsan_handle_pointer_overflow(const struct pointer_overflow_data *data, unsigned long base,
				     unsigned long result)
{
	report_begin("pointer-overflow", &data->loc);
	printk("pointer arithmetic on %lx overflowed to %lx\n", base, result);
	report_end("pointer-overflow", &data->loc);
}

void __ubsan_handle_load_invalid_value(const struct invalid_value_data *data, unsigned long value)
{
	report_begin("invalid-load", &data->loc);
	printk("load of value 0x%lx, which is not valid for type %s\n", value,
	       data->type->type_name);
	report_end("invalid-load", &data->loc);
}

void __ubsan_handle_builtin_unreachable(const struct unreachable_data *data)
{
	report_simple("unreachable", &data->loc);
}

void __ubsan_handle_invalid_builtin(const struct invalid_builtin_data *data)
{
	report_begin("invalid-builtin-use", &data->loc);
	printk("passing zero to %s, which is not a valid argument\n",
	       data->kind ? "clz()" : "ctz()");
	report_end("invalid-builtin-use", &data->loc);
}

void __ubsan_handle_nonnull_arg(const struct nonnull_arg_data *data)
{
	report_begin("nonnull-argument", &data->loc);
	printk("null pointer passed as argument %d, which is declared to never be null\n",
	       data->arg_index);
	report_end("nonnull-argument", &data->loc);
}

void __ubsan_handle_nonnull_return_v1(const struct nonnull_return_data *data __unused,
				      const struct source_location *loc)
{
	report_simple("nonnull-return", loc);
}

void __ubsan_handle_vla_bound_not_positive(const struct vla_bound_data *data, unsigned long bound)
{
	char b[32];

	report_begin("vla-bound-not-positive", &data->loc);
	format_value(b, sizeof(b), data->type, bound);
	printk("variable length array bound evaluates to non-positive value %s\n", b);
	report_end("vla-bound-not-positive", &data->loc);
}

void __ubsan_handle_alignment_assumption(const struct alignment_assumption_data *data,
					 unsigned long ptr, unsigned long align,
					 unsigned long offset)
{
	report_begin("alignment-assumption", &data->loc);
	printk("assumption of %lu-byte alignment (offset %lu) for pointer %lx failed\n", align,
	       offset, ptr);
	report_end("alignment-assumption", &data->loc);
}
