/*
 * inbox: the dispatcher's input queue: many producers, one consumer.
 *
 * Producers (HTTP threads through the store's subscription, the notify
 * thread through flush completions) never wait for the consumer: a post
 * takes one shard's mutex for an append.  The queue is split into
 * INBOX_SHARDS shards so that producers posting different alerts rarely
 * meet (the store calls its subscribers under its own shard locks; shard
 * by fingerprint and they line up); order is kept within a shard, so the
 * updates of one alert stay in order.  The consumer swaps a whole shard
 * out at once.  The consumer sleeps in inbox_wait until a post, a
 * deadline or inbox_wake.
 *
 * Wakeups are coalesced: a post signals the consumer only when it is in a
 * deep sleep (inbox_wait), and only the first post of a sleep does.
 * While messages keep coming, the consumer naps instead (inbox_nap): a
 * short timed sleep that only an urgent post or inbox_wake cuts short, so
 * a stream of posts costs one wakeup per nap rather than one per post.
 *
 * The inbox is refcounted: whoever may still post after the consumer is
 * gone (an in-flight flush) holds a reference; after inbox_close, posts
 * are dropped through the drop callback given at creation.
 * Thread: inbox_post, inbox_wake, inbox_close, ref/unref: any;
 * inbox_take and inbox_wait: the consumer.
 */
#ifndef ALERTD_ROUTING_INBOX_H
#define ALERTD_ROUTING_INBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INBOX_SHARDS	16

struct inbox_msg {
	void	*ptr;
	int	 kind;
	bool	 flag;
};

/* Frees what a message holds (a dropped or leftover message). */
typedef void	(*inbox_drop_fn)(struct inbox_msg *m);

struct inbox;

struct inbox	*inbox_new(inbox_drop_fn drop);		/* refs = 1 */
struct inbox	*inbox_ref(struct inbox *ib);
/* The last reference drops what is left and frees the inbox. */
void		 inbox_unref(struct inbox *ib);		/* NULL is fine */

/*
 * Appends m to shard (taken modulo INBOX_SHARDS); drops it if closed.
 * urgent: wake the consumer even from a nap (a message whose handling
 * must not wait for the nap to end).
 */
void		 inbox_post(struct inbox *ib, unsigned shard,
		    struct inbox_msg m, bool urgent);
/* Drops everything queued; later posts are dropped at once. */
void		 inbox_close(struct inbox *ib);

/*
 * Swaps shard's messages with the consumer's buffer *v (capacity
 * *alloc; the inbox keeps the old buffer for reuse).  Returns how many
 * messages *v now holds.
 */
size_t		 inbox_take(struct inbox *ib, unsigned shard,
		    struct inbox_msg **v, size_t *alloc);
bool		 inbox_pending(struct inbox *ib);
size_t		 inbox_len(struct inbox *ib);

/*
 * Sleeps until a message is pending, the monotonic clock reaches until
 * (ns; INT64_MAX: no deadline) or inbox_wake is called.
 */
void		 inbox_wait(struct inbox *ib, int64_t until);
/*
 * Sleeps until the monotonic clock reaches until, an urgent post or
 * inbox_wake: other posts queue up without waking the consumer.
 */
void		 inbox_nap(struct inbox *ib, int64_t until);
void		 inbox_wake(struct inbox *ib);

#endif
