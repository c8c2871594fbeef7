/*
 * user/utest_exec_child.h - the contract between utest_exec and the program it execs.
 *
 *   utest_exec_child <status> <pid> <marker>
 *
 * The child exits with <status> if everything arrived intact, or with one of the
 * EXEC_CHILD_BAD_* statuses (all above any status the tests ask for) saying what was
 * wrong.
 */
#ifndef USER_UTEST_EXEC_CHILD_H
#define USER_UTEST_EXEC_CHILD_H

#define EXEC_CHILD_NAME "utest_exec_child"
#define EXEC_CHILD_MARKER "exec-marker"

#define EXEC_CHILD_BAD_ARGC 200 /* not exactly three arguments */
#define EXEC_CHILD_BAD_MARKER 201 /* the third argument is not EXEC_CHILD_MARKER */
#define EXEC_CHILD_BAD_STATUS 202 /* <status> is not a number in 0..199 */
#define EXEC_CHILD_BAD_PID 203 /* getpid() is not <pid>: execve changed the pid */
#define EXEC_CHILD_BAD_DATA 204 /* initialised data is not as in the file */

#endif
