/*
 * Intrusive circular doubly linked list: the node lives inside the object,
 * so putting an object on a list never allocates.
 */
#ifndef XENO_LIST_H
#define XENO_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <xeno/lib.h>

struct list_head {
    struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

static inline void list_init(struct list_head *head)
{
    head->next = head;
    head->prev = head;
}

static inline bool list_empty(const struct list_head *head)
{
    return head->next == head;
}

static inline void list_insert_between(struct list_head *node,
                                       struct list_head *prev,
                                       struct list_head *next)
{
    node->prev = prev;
    node->next = next;
    prev->next = node;
    next->prev = node;
}

/* Insert right after head: a stack. */
static inline void list_add(struct list_head *node, struct list_head *head)
{
    list_insert_between(node, head, head->next);
}

/* Insert right before head: a queue. */
static inline void list_add_tail(struct list_head *node, struct list_head *head)
{
    list_insert_between(node, head->prev, head);
}

/* Unlink; the node's pointers are cleared so a second use faults. */
static inline void list_del(struct list_head *node)
{
    node->prev->next = node->next;
    node->next->prev = node->prev;
    node->next = NULL;
    node->prev = NULL;
}

/* Unlink and leave the node as an empty list, safe to delete again. */
static inline void list_del_init(struct list_head *node)
{
    node->prev->next = node->next;
    node->next->prev = node->prev;
    list_init(node);
}

static inline bool list_is_first(const struct list_head *node,
                                 const struct list_head *head)
{
    return head->next == node;
}

#define list_entry(node, type, member) container_of(node, type, member)
#define list_first_entry(head, type, member) \
    list_entry((head)->next, type, member)
/* First entry, or NULL for an empty list. */
#define list_first_entry_or_null(head, type, member) \
    (list_empty(head) ? NULL : list_first_entry(head, type, member))

#define list_for_each(pos, head) \
    for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

#define list_for_each_entry(pos, head, member)                                \
    for ((pos) = list_entry((head)->next, __typeof__(*(pos)), member);        \
         &(pos)->member != (head);                                            \
         (pos) = list_entry((pos)->member.next, __typeof__(*(pos)), member))

/* As list_for_each_entry, but pos may be unlinked inside the loop. */
#define list_for_each_entry_safe(pos, tmp, head, member)                      \
    for ((pos) = list_entry((head)->next, __typeof__(*(pos)), member),        \
         (tmp) = list_entry((pos)->member.next, __typeof__(*(pos)), member);  \
         &(pos)->member != (head);                                            \
         (pos) = (tmp),                                                       \
         (tmp) = list_entry((tmp)->member.next, __typeof__(*(pos)), member))

#endif /* XENO_LIST_H */
