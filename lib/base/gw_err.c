/* gw_err: the first-error-wins error record (see gw_err.h). */
#include "base/gw_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void gw_err_clear(gw_err *err)
{
	if (!err)
		return;
	err->rc = GW_OK;
	err->sys = 0;
	err->msg[0] = '\0';
}

gw_rc gw_err_set(gw_err *err, gw_rc rc, int sys, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return rc;
	if (err->rc != GW_OK)
		return err->rc;
	err->rc = rc;
	err->sys = sys;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return rc;
}

const char *gw_rc_name(gw_rc rc)
{
	switch (rc) {
	case GW_OK: return "ok";
	case GW_ENOMEM: return "out of memory";
	case GW_EIO: return "i/o error";
	case GW_EINVAL: return "invalid argument";
	case GW_ENOTFOUND: return "not found";
	case GW_EFORMAT: return "not a gongwen index or damaged";
	case GW_EVERSION: return "index format version mismatch";
	case GW_ELMDB: return "lmdb error";
	case GW_EICU: return "icu error";
	case GW_EFULL: return "index map full";
	case GW_ECORRUPT: return "index damaged";
	}
	return "unknown error";
}
