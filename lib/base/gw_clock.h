/* gw_clock: the one monotonic clock gongwen times itself with (a search's
 * time_ms, --batch --timings, the access log, when a handle has searched
 * long enough to check its index whole). */
#ifndef GW_CLOCK_H
#define GW_CLOCK_H

/* Microseconds of CLOCK_MONOTONIC: only differences mean anything. */
double gw_now_us(void);

#endif
