/*
 * kernel/ubsan.h - the undefined-behaviour sanitizer's ABI: the descriptions the compiler
 * passes to each check's handler, and the handlers (kernel/ubsan.c).
 *
 * Only compiler-generated code calls these; they are declared here so that their
 * definitions are checked against one prototype each, like every other global function
 * (-Wmissing-prototypes). The structures are the compiler's ABI (GCC's and clang's agree).
 */
#ifndef KERNEL_UBSAN_H
#define KERNEL_UBSAN_H

#include "kernel/types.h"

struct source_location {
	const char *file;
	u32 line;
	u32 column;
};

/* type_kind 0: an integer; info bit 0 = signed, info >> 1 = log2 of the width in bits. */
struct type_descriptor {
	u16 type_kind;
	u16 type_info;
	char type_name[];
};

#define TYPE_KIND_INTEGER 0
#define TYPE_INFO_SIGNED 1

struct overflow_data {
	struct source_location loc;
	const struct type_descriptor *type;
};

struct shift_out_of_bounds_data {
	struct source_location loc;
	const struct type_descriptor *lhs_type;
	const struct type_descriptor *rhs_type;
};

struct out_of_bounds_data {
	struct source_location loc;
	const struct type_descriptor *array_type;
	const struct type_descriptor *index_type;
};

struct type_mismatch_data_v1 {
	struct source_location loc;
	const struct type_descriptor *type;
	u8 log_alignment;
	u8 type_check_kind; /* an index into type_check_kinds[] */
};

struct unreachable_data {
	struct source_location loc;
};

struct invalid_value_data {
	struct source_location loc;
	const struct type_descriptor *type;
};

struct nonnull_arg_data {
	struct source_location loc;
	struct source_location attr_loc;
	int arg_index;
};

struct nonnull_return_data {
	struct source_location attr_loc;
};

struct vla_bound_data {
	struct source_location loc;
	const struct type_descriptor *type;
};

struct pointer_overflow_data {
	struct source_location loc;
};

struct invalid_builtin_data {
	struct source_location loc;
	u8 kind; /* 0: ctz of zero, 1: clz of zero */
};

struct alignment_assumption_data {
	struct source_location loc;
	struct source_location assumption_loc;
	const struct type_descriptor *type;
};

void __ubsan_handle_add_overflow(const struct overflow_data *data, unsigned long lhs,
				 unsigned long rhs);
void __ubsan_handle_sub_overflow(const struct overflow_data *data, unsigned long lhs,
				 unsigned long rhs);
void __ubsan_handle_mul_overflow(const struct overflow_data *data, unsigned long lhs,
				 unsigned long rhs);
void __ubsan_handle_negate_overflow(const struct overflow_data *data, unsigned long old);
void __ubsan_handle_divrem_overflow(const struct overflow_data *data, unsigned long lhs,
				    unsigned long rhs);
void __ubsan_handle_shift_out_of_bounds(const struct shift_out_of_bounds_data *data,
					unsigned long lhs, unsigned long rhs);
void __ubsan_handle_out_of_bounds(const struct out_of_bounds_data *data, unsigned long index);
void __ubsan_handle_type_mismatch_v1(const struct type_mismatch_data_v1 *data, unsigned long ptr);
void __ubsan_handle_pointer_overflow(const struct pointer_overflow_data *data, unsigned long base,
				     unsigned long result);
void __ubsan_handle_load_invalid_value(const struct invalid_value_data *data, unsigned long value);
void __ubsan_handle_builtin_unreachable(const struct unreachable_data *data);
void __ubsan_handle_invalid_builtin(const struct invalid_builtin_data *data);
void __ubsan_handle_nonnull_arg(const struct nonnull_arg_data *data);
void __ubsan_handle_nonnull_return_v1(const struct nonnull_return_data *data,
				      const struct source_location *loc);
void __ubsan_handle_vla_bound_not_positive(const struct vla_bound_data *data, unsigned long bound);
void __ubsan_handle_alignment_assumption(const struct alignment_assumption_data *data,
					 unsigned long ptr, unsigned long align,
					 unsigned long offset);

#endif
