/*
 * kernel/list.h - circular doubly linked lists, as Linux's <linux/list.h>.
 *
 * A struct list_head is embedded in each object; the list head itself is a bare
 * struct list_head pointing at the first and last elements (or at itself when empty).
 */
#ifndef KERNEL_LIST_H
#define KERNEL_LIST_H

#include "kernel/compiler.h"
#include "kernel/types.h"

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name)                                                                       \
	{                                                                                          \
		&(name), &(name)                                                                   \
	}
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

static inline void INIT_LIST_HEAD(struct list_head *list)
{
	list->next = list;
	list->prev = list;
}

static inline void list_insert_between(struct list_head *entry, struct list_head *prev,
				       struct list_head *next)
{
	next->prev = entry;
	entry->next = next;
	entry->prev = prev;
	prev->next = entry;
}

/* Insert entry right after head (stack order). */
static inline void list_add(struct list_head *entry, struct list_head *head)
{
	list_insert_between(entry, head, head->next);
}

/* Insert entry right before head, i.e. at the tail (queue order). */
static inline void list_add_tail(struct list_head *entry, struct list_head *head)
{
	list_insert_between(entry, head->prev, head);
}

/* Unlink entry; it points at itself afterwards, so list_empty(entry) is true. */
static inline void list_del_init(struct list_head *entry)
{
	entry->prev->next = entry->next;
	entry->next->prev = entry->prev;
	INIT_LIST_HEAD(entry);
}

static inline void list_del(struct list_head *entry)
{
	list_del_init(entry);
}

static inline bool list_empty(const struct list_head *head)
{
	return head->next == head;
}

static inline void list_move_tail(struct list_head *entry, struct list_head *head)
{
	list_del_init(entry);
	list_add_tail(entry, head);
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(head, type, member) list_entry((head)->next, type, member)
#define list_for_each(pos, head) for (pos = (head)->next; pos != (head); pos = pos->next)
#define list_for_each_safe(pos, n, head)                                                           \
	for (pos = (head)->next, n = pos->next; pos != (head); pos = n, n = pos->next)
/*
 * The entry loops walk the nodes and turn a node into its entry only once it is known
 * not to be the head. The classic form (pos = list_entry(head), then test &pos->member
 * against head) makes an entry pointer out of the head, which is no such entry: a
 * member access through it is undefined behaviour, and UBSAN reports it (the head is
 * rarely aligned as the entry type wants). After the loop pos means nothing (it is
 * not the head's fake entry); the _safe form may delete pos in the body.
 */
#define list_for_each_entry(pos, head, member)                                                     \
	for (struct list_head *list_node_ = (head)->next;                                          \
	     list_node_ != (head) &&                                                               \
	     ((pos) = list_entry(list_node_, __typeof__(*(pos)), member), 1);                      \
	     list_node_ = list_node_->next)
#define list_for_each_entry_reverse(pos, head, member)                                             \
	for (struct list_head *list_node_ = (head)->prev;                                          \
	     list_node_ != (head) &&                                                               \
	     ((pos) = list_entry(list_node_, __typeof__(*(pos)), member), 1);                      \
	     list_node_ = list_node_->prev)
#define list_for_each_entry_safe(pos, n, head, member)                                             \
	for (struct list_head *list_node_ = (head)->next, *list_next_ = list_node_->next;          \
	     list_node_ != (head) && ((pos) = list_entry(list_node_, __typeof__(*(pos)), member),  \
				     (n) = list_entry(list_next_, __typeof__(*(n)), member), 1);   \
	     list_node_ = list_next_, list_next_ = list_node_->next)

#endif
