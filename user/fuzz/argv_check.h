/*
 * user/fuzz/argv_check.h - the contract between utest_fuzz's execve_isolation test and
 * the program it execs to see what argv arrived (user/fuzz_argv_child.c).
 *
 *   fuzz_argv_child FUZZ_ARGV_CHECK_1 FUZZ_ARGV_CHECK_2 FUZZ_ARGV_CHECK_3
 *
 * The child exits with 0 if exactly those arguments arrived, FUZZ_ARGV_WRONG if not
 * (after printing what it got: the evidence of a leak from another process's execve).
 */
#ifndef USER_FUZZ_ARGV_CHECK_H
#define USER_FUZZ_ARGV_CHECK_H

#define FUZZ_ARGV_CHILD "fuzz_argv_child"
#define FUZZ_ARGV_CHECK_1 "argv-check-one"
#define FUZZ_ARGV_CHECK_2 "argv-check-two"
#define FUZZ_ARGV_CHECK_3 "argv-check-three"
#define FUZZ_ARGV_COUNT 4
#define FUZZ_ARGV_WRONG 66 /* not a status a fuzzed exit in a sandbox is told apart from */

#endif
