/*
 * Threads of nashra's own (the loudness meter's, the pronunciation thread) start with every
 * signal blocked, so that a signal the program waits for (SIGINT, SIGTERM) reaches the thread
 * that waits for it, never one of these.
 */
#ifndef NASHRA_COMMON_THREAD_H
#define NASHRA_COMMON_THREAD_H

#include <pthread.h>

/* pthread_create with every signal blocked in the new thread; returns as pthread_create. */
int thread_start_blocked(pthread_t *thread, void *(*run)(void *), void *arg);

#endif
