/* gw_clock: see gw_clock.h. */
#include "base/gw_clock.h"

#include <time.h>

double gw_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}
