/* SPDX-License-Identifier: MIT */
/*
 * Fork guard (see fork_guard.h).  Slots of live threads sit on a circular
 * list guarded by slot_lock; a thread registers on its first entry and a
 * pthread key destructor unregisters it at thread exit.  The prepare handler
 * keeps slot_lock held across fork(), so the list cannot change under the
 * wait; the child keeps only its own slot, since the other threads do not
 * exist there.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "util/fork_guard.h"

struct fork_slot {
	atomic_uint depth;
	bool registered;
	struct fork_slot *prev, *next;
};

static _Thread_local struct fork_slot self;
static struct fork_slot head = { .prev = &head, .next = &head };
static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_bool fork_pending;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_key_t slot_key;

static void slot_unregister(void *p)
{
	struct fork_slot *s = p;

	pthread_mutex_lock(&slot_lock);
	s->prev->next = s->next;
	s->next->prev = s->prev;
	s->registered = false;
	pthread_mutex_unlock(&slot_lock);
}

static void prepare(void)
{
	pthread_mutex_lock(&slot_lock);
	atomic_store(&fork_pending, true);
	for (struct fork_slot *s = head.next; s != &head; s = s->next)
		if (s != &self)
			while (atomic_load(&s->depth))
				sched_yield();
}

static void parent(void)
{
	atomic_store(&fork_pending, false);
	pthread_mutex_unlock(&slot_lock);
}

static void child(void)
{
	/* only this thread survives: the list holds just its slot */
	head.next = head.prev = &head;
	if (self.registered) {
		self.next = self.prev = &head;
		head.next = head.prev = &self;
	}
	atomic_store(&fork_pending, false);
	pthread_mutex_unlock(&slot_lock);
}

static void init_once(void)
{
	pthread_key_create(&slot_key, slot_unregister);
	pthread_atfork(prepare, parent, child);
}

static void slot_register(void)
{
	pthread_once(&once, init_once);
	pthread_mutex_lock(&slot_lock);
	self.next = &head;
	self.prev = head.prev;
	head.prev->next = &self;
	head.prev = &self;
	self.registered = true;
	pthread_mutex_unlock(&slot_lock);
	pthread_setspecific(slot_key, &self);
}

void fork_guard_enter(void)
{
	if (__builtin_expect(!self.registered, 0))
		slot_register();
	for (;;) {
		/* a nested entry is inside already: the forker waits for it */
		if (atomic_fetch_add(&self.depth, 1) > 0 || !atomic_load(&fork_pending))
			return;
		atomic_fetch_sub(&self.depth, 1);
		while (atomic_load(&fork_pending))
			sched_yield();
	}
}

void fork_guard_exit(void)
{
	atomic_fetch_sub(&self.depth, 1);
}
